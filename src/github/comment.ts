import type { PullRequestRef } from './event.js'
import { apiMessage, httpStatus, isRateLimited } from './http-error.js'
import type { Octokit } from './octokit.js'

export type StickyCommentResult =
  | { status: 'created' | 'updated'; id: number; url: string }
  /** No comment existed and `createIfMissing` was false. */
  | { status: 'absent' }
  | { status: 'forbidden'; message: string }
  /** The pull request's head moved past the commit this body reports: nothing was written. */
  | { status: 'stale'; message: string }

export interface StickyCommentOptions {
  /**
   * Create the comment when none exists (default). A run with nothing to say (no prompt changed)
   * passes false: it refreshes an earlier comment, which would otherwise show stale results,
   * without adding a new one to a pull request that never had prompts.
   */
  createIfMissing?: boolean
  /**
   * The head commit the body reports. It is written into the comment as a hidden marker, and the
   * write is skipped when the pull request's head is another commit by now: a slow run for an old
   * push must not overwrite the result of the newer one.
   */
  headSha?: string
  /**
   * Shorter bodies to try, in order, when GitHub refuses a body with 422 (too long or invalid);
   * made only when one is needed.
   */
  fallbacks?: () => string[]
  /** Who the token writes as; learned once and shared by the writes of one run. */
  identity?: IdentityCache
}

/** The author the token's comments carry. */
export interface CommentIdentity {
  login: string
  /** How it was learned: `GET /user` (a user token), or the GitHub Actions bot (an installation token). */
  source: 'user' | 'installation'
}

/** The login every comment written with a workflow's GITHUB_TOKEN carries. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

export interface IdentityCache {
  identity?: CommentIdentity
}

interface ExistingComment {
  id: number
  body?: string
  created_at: string
  user: { login: string; type: string } | null
}

/**
 * Who the token writes as. A user token (a PAT) may read `GET /user`; an installation token (the
 * workflow's GITHUB_TOKEN) is refused with 403 there, and writes as github-actions[bot].
 */
export async function tokenIdentity(octokit: Octokit): Promise<CommentIdentity> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return { login: data.login, source: 'user' }
  } catch (error) {
    const status = httpStatus(error)
    if ((status === 403 && !isRateLimited(error)) || status === 404) {
      return { login: ACTIONS_BOT_LOGIN, source: 'installation' }
    }
    throw error
  }
}

/**
 * Only our own comments are ours: anyone can paste the hidden marker into a comment of theirs, and
 * a comment we adopted would be rewritten by us, or trusted as our earlier result.
 */
export function isAuthoredBy(comment: ExistingComment, identity: CommentIdentity): boolean {
  const user = comment.user
  if (!user || user.login !== identity.login) return false
  return identity.source === 'user' || user.type === 'Bot'
}

/** Our comments that carry the marker, oldest first. */
export function ownStickyComments<T extends ExistingComment>(
  comments: T[],
  marker: string,
  identity: CommentIdentity
): T[] {
  return comments
    .filter(comment => comment.body?.includes(marker) && isAuthoredBy(comment, identity))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id)
}

/** The marker must be in the body, or the next run could not find the comment and would add another. */
export function withMarker(body: string, marker: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`
}

/** Which commit the comment reports, for people and tools reading it; the check itself asks GitHub. */
function withHeadMarker(body: string, headSha: string | undefined): string {
  if (!headSha || !/^[0-9a-f]{7,64}$/.test(headSha)) return body
  return `${body.replace(/\n+$/, '')}\n\n<!-- promptgate:head-sha ${headSha} -->\n`
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

/** Tries each body in turn while GitHub answers 422 (too long, or otherwise invalid). */
async function withFallbacks<T>(
  bodies: (index: number) => string | undefined,
  write: (body: string) => Promise<T>
): Promise<T> {
  for (let index = 0; ; index++) {
    try {
      return await write(bodies(index)!)
    } catch (error) {
      if (httpStatus(error) !== 422 || bodies(index + 1) === undefined) throw error
    }
  }
}

const createAttempts = 2

/**
 * Writes `body` into the pull request's one comment that carries `marker` and was written by the
 * token's own identity, creating it on the first run. Never leaves a second comment: when two runs
 * created one each at the same moment, the oldest stays and the others are deleted. A token that may
 * not write yields `forbidden` instead of an error, so the caller can still publish the job summary
 * and fail or pass.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  pr: PullRequestRef,
  body: string,
  marker: string,
  options: StickyCommentOptions = {}
): Promise<StickyCommentResult> {
  const target = { owner: pr.owner, repo: pr.repo }
  const finish = (text: string) => withHeadMarker(withMarker(text, marker), options.headSha)
  let fallbacks: string[] | undefined
  const bodies = (index: number): string | undefined => {
    if (index === 0) return finish(body)
    fallbacks ??= (options.fallbacks?.() ?? []).map(finish)
    return fallbacks[index - 1]
  }
  const cache = options.identity ?? {}

  const listOurs = async (identity: CommentIdentity) =>
    ownStickyComments(
      await octokit.paginate(octokit.rest.issues.listComments, {
        ...target,
        issue_number: pr.number,
        per_page: 100
      }),
      marker,
      identity
    )

  /** undefined when the comment is gone (deleted by someone since we listed it). */
  const update = async (comment_id: number): Promise<StickyCommentResult | undefined> => {
    try {
      const { data } = await withFallbacks(bodies, text =>
        octokit.rest.issues.updateComment({ ...target, comment_id, body: text })
      )
      return { status: 'updated', id: data.id, url: data.html_url }
    } catch (error) {
      if (httpStatus(error) === 404) return undefined
      throw error
    }
  }

  const remove = async (comment_id: number): Promise<void> => {
    try {
      await octokit.rest.issues.deleteComment({ ...target, comment_id })
    } catch (error) {
      // The other run deleted it first.
      if (httpStatus(error) !== 404) throw error
    }
  }

  const create = async (): Promise<{ id: number; html_url: string; login?: string }> => {
    const { data } = await withFallbacks(bodies, text =>
      octokit.rest.issues.createComment({
        ...target,
        issue_number: pr.number,
        body: text,
        // No automatic retry: a 5xx on a POST may still have created the comment.
        request: { retries: 0 }
      })
    )
    return { id: data.id, html_url: data.html_url, login: data.user?.login }
  }

  try {
    if (options.headSha) {
      const { data: pull } = await octokit.rest.pulls.get({ ...target, pull_number: pr.number })
      if (pull.head.sha !== options.headSha) {
        return {
          status: 'stale',
          message:
            `the pull request's head is now ${pull.head.sha.slice(0, 7)}, past ${options.headSha.slice(0, 7)} ` +
            'that this run evaluated, so the comment is left to the run for the newer commit'
        }
      }
    }
    cache.identity ??= await tokenIdentity(octokit)
    const identity = cache.identity

    const existing = (await listOurs(identity))[0]
    if (existing) {
      const updated = await update(existing.id)
      if (updated) return updated
    }
    // Also when it was deleted between the listing and the update.
    if (options.createIfMissing === false) return { status: 'absent' }

    let created: { id: number; html_url: string; login?: string } | undefined
    for (let attempt = 1; !created; attempt++) {
      try {
        created = await create()
      } catch (error) {
        const status = httpStatus(error)
        const serverError = status === undefined || status >= 500
        if (!serverError || attempt >= createAttempts) throw error
        const landed = (await listOurs(identity))[0]
        if (landed) {
          const updated = await update(landed.id)
          if (updated) return updated
        }
      }
    }
    // What GitHub says we are beats the guess (a GitHub App's installation token writes as its own bot).
    if (created.login && created.login !== identity.login) {
      cache.identity = { login: created.login, source: identity.source }
    }

    // Another run may have created one at the same moment: the oldest stays, the others go.
    const ours = await listOurs(cache.identity)
    const [oldest, ...extra] = ours
    const result: StickyCommentResult = { status: 'created', id: created.id, url: created.html_url }
    for (const duplicate of extra) await remove(duplicate.id)
    if (!oldest || oldest.id === created.id) return result
    return (await update(oldest.id)) ?? result
  } catch (error) {
    const message = forbiddenMessage(error, pr)
    if (message) return { status: 'forbidden', message }
    throw error
  }
}
