import type { PullRequestRef } from './event.js'
import { apiMessage, httpStatus, isRateLimited } from './http-error.js'
import type { Octokit } from './octokit.js'

export type StickyCommentResult =
  | { status: 'created' | 'updated'; id: number; url: string }
  /** No comment existed and `createIfMissing` was false. */
  | { status: 'absent' }
  | { status: 'forbidden'; message: string }

export interface StickyCommentOptions {
  /**
   * Create the comment when none exists (default). A run with nothing to say (no prompt changed)
   * passes false: it refreshes an earlier comment, which would otherwise show stale results,
   * without adding a new one to a pull request that never had prompts.
   */
  createIfMissing?: boolean
}

interface ExistingComment {
  id: number
  body?: string
  created_at: string
  user: { type: string } | null
}

/**
 * Of the comments carrying the marker, the one to rewrite: a bot's if there is one (a person may
 * have pasted the marker into a reply; a PAT-authored sticky comment still counts when no bot's
 * exists), and of those the newest.
 */
export function pickStickyComment<T extends ExistingComment>(comments: T[], marker: string): T | undefined {
  const marked = comments.filter(comment => comment.body?.includes(marker))
  const byBots = marked.filter(comment => comment.user?.type === 'Bot')
  const candidates = byBots.length > 0 ? byBots : marked
  return candidates.reduce<T | undefined>((newest, comment) => {
    if (!newest) return comment
    const order = comment.created_at.localeCompare(newest.created_at) || comment.id - newest.id
    return order > 0 ? comment : newest
  }, undefined)
}

/** The marker must be in the body, or the next run could not find the comment and would add another. */
export function withMarker(body: string, marker: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`
}

/** A write GitHub refused for want of permission (a fork's read-only token), not a rate limit. */
function forbiddenMessage(error: unknown, pr: PullRequestRef): string | undefined {
  const status = httpStatus(error)
  if (status === 403 && !isRateLimited(error)) {
    return (
      `GitHub refused to write the pull request comment (403: ${apiMessage(error)}). The token is read-only: ` +
      `pull requests from forks never get a writable token; otherwise give the job "permissions: pull-requests: write".`
    )
  }
  if (status === 404) {
    return (
      `GitHub answered 404 when writing the comment on ${pr.owner}/${pr.repo}#${pr.number}: ` +
      `the token cannot see the pull request or may not comment on it.`
    )
  }
  return undefined
}

const createAttempts = 2

/**
 * Writes `body` into the pull request's one comment that carries `marker`, creating it on the first
 * run. Never adds a second comment when one exists, and a token that may not write yields
 * `forbidden` instead of an error, so the caller can still publish the job summary and fail or pass.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  pr: PullRequestRef,
  body: string,
  marker: string,
  options: StickyCommentOptions = {}
): Promise<StickyCommentResult> {
  const target = { owner: pr.owner, repo: pr.repo }
  const text = withMarker(body, marker)

  const findExisting = async () =>
    pickStickyComment(
      await octokit.paginate(octokit.rest.issues.listComments, {
        ...target,
        issue_number: pr.number,
        per_page: 100
      }),
      marker
    )

  const update = async (comment_id: number): Promise<StickyCommentResult> => {
    const { data } = await octokit.rest.issues.updateComment({ ...target, comment_id, body: text })
    return { status: 'updated', id: data.id, url: data.html_url }
  }

  try {
    const existing = await findExisting()
    if (existing) return await update(existing.id)
    if (options.createIfMissing === false) return { status: 'absent' }

    for (let attempt = 1; ; attempt++) {
      try {
        // No automatic retry: a 5xx on a POST may still have created the comment.
        const { data } = await octokit.rest.issues.createComment({
          ...target,
          issue_number: pr.number,
          body: text,
          request: { retries: 0 }
        })
        return { status: 'created', id: data.id, url: data.html_url }
      } catch (error) {
        const status = httpStatus(error)
        const serverError = status === undefined || status >= 500
        if (!serverError || attempt >= createAttempts) throw error
        const landed = await findExisting()
        if (landed) return await update(landed.id)
      }
    }
  } catch (error) {
    const message = forbiddenMessage(error, pr)
    if (message) return { status: 'forbidden', message }
    throw error
  }
}
