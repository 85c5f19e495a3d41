import { decodeUtf8 } from '../changes/decode.js'
import type { ChangedFile, ChangeSource } from '../changes/types.js'
import type { PullRequestRef } from './event.js'
import { apiMessage, httpStatus } from './http-error.js'
import type { Octokit } from './octokit.js'

/** `pulls.listFiles` stops here, however many files the pull request changes. */
export const pullRequestFileListLimit = 3000

export interface ApiChangeSourceOptions {
  /** Told when the file list is incomplete; the action passes `core.warning`. */
  warn?: (message: string) => void
}

export interface ApiChangeSource extends ChangeSource {
  /** Set by `listChangedFiles` when GitHub listed fewer files than the pull request changes. */
  readonly listingTruncated: boolean
}

type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'

interface DiffEntry {
  filename: string
  status: DiffStatus
  previous_filename?: string
}

/**
 * Maps GitHub's diff statuses onto ours.
 * - `changed`: only the mode or type changed; the text may be equal, and the engine sees that.
 * - `copied`: a new file at `filename`; nothing existed there at the base, so it is added.
 * - `renamed` without a previous name does not happen, but would be an addition.
 * - `unchanged` entries carry nothing to evaluate and are dropped.
 */
export function toChangedFile(entry: DiffEntry): ChangedFile | undefined {
  switch (entry.status) {
    case 'added':
    case 'copied':
      return { path: entry.filename, status: 'added' }
    case 'modified':
    case 'changed':
      return { path: entry.filename, status: 'modified' }
    case 'removed':
      return { path: entry.filename, status: 'removed' }
    case 'renamed':
      return entry.previous_filename
        ? { path: entry.filename, status: 'renamed', previousPath: entry.previous_filename }
        : { path: entry.filename, status: 'added' }
    case 'unchanged':
      return undefined
  }
}

/** Decodes a raw-media-type body: text, or bytes (which must be UTF-8) when GitHub labels the file binary. */
export function decodeRawContent(data: unknown, path: string): string | undefined {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return decodeUtf8(new Uint8Array(data), path)
  if (ArrayBuffer.isView(data))
    return decodeUtf8(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), path)
  // A directory or submodule answers with JSON metadata even under the raw media type.
  return undefined
}

/**
 * Reads the pull request's changed files and their text at the base and head SHAs over the REST
 * API, so the action needs no checkout with history.
 */
export function createApiChangeSource(
  octokit: Octokit,
  pr: Pick<PullRequestRef, 'owner' | 'repo' | 'number' | 'baseSha' | 'headSha'>,
  options: ApiChangeSourceOptions = {}
): ApiChangeSource {
  const { owner, repo, number: pull_number } = pr
  const reads = new Map<string, Promise<string | undefined>>()
  let truncated = false

  async function readUncached(ref: string, path: string): Promise<string | undefined> {
    try {
      const response = await octokit.rest.repos.getContent({
        owner,
        repo,
        path,
        ref,
        mediaType: { format: 'raw' }
      })
      return decodeRawContent(response.data, path)
    } catch (error) {
      if (httpStatus(error) !== 404) throw error
      // A missing file is an answer; a missing commit means the refs are wrong and every read
      // would look like an added or removed file.
      if (/no commit found/i.test(apiMessage(error))) {
        throw new Error(`GitHub has no commit ${ref} in ${owner}/${repo}: ${apiMessage(error)}`)
      }
      return undefined
    }
  }

  async function warnWhenTruncated(listed: number): Promise<void> {
    if (listed < pullRequestFileListLimit) return
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number })
    if (data.changed_files <= listed) return
    truncated = true
    options.warn?.(
      `This pull request changes ${data.changed_files} files, but GitHub lists only the first ` +
        `${pullRequestFileListLimit}; prompts among the other ${data.changed_files - listed} were not evaluated.`
    )
  }

  return {
    baseRef: pr.baseSha,
    headRef: pr.headSha,
    get listingTruncated() {
      return truncated
    },

    async listChangedFiles() {
      const entries = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner,
        repo,
        pull_number,
        per_page: 100
      })
      await warnWhenTruncated(entries.length)
      return entries.flatMap(entry => toChangedFile(entry) ?? [])
    },

    async listFiles(ref) {
      // A commit SHA names its tree too; `recursive` lists the whole tree in one response.
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: ref, recursive: 'true' })
      if (data.truncated) {
        options.warn?.(
          `GitHub listed only part of the file tree at ${ref.slice(0, 7)} (it is too large); ` +
            'suite prompts outside the listed part were not evaluated.'
        )
      }
      return data.tree.flatMap(entry => (entry.type === 'blob' && entry.path ? [entry.path] : []))
    },

    read(ref, path) {
      const key = `${ref}\u0000${path}`
      let pending = reads.get(key)
      if (!pending) {
        pending = readUncached(ref, path)
        // Keep answers, not failures: a later read may succeed.
        pending.catch(() => reads.delete(key))
        reads.set(key, pending)
      }
      return pending
    }
  }
}

/**
 * Every file at one commit, each listed as added, so every prompt runs once (head side only):
 * what a push to the default branch evaluates to fill the result cache.
 */
export function createSnapshotSource(
  octokit: Octokit,
  at: { owner: string; repo: string; sha: string },
  options: ApiChangeSourceOptions = {}
): ChangeSource {
  // The pull-request number is never used: the file list comes from the tree, not a pull request.
  const api = createApiChangeSource(octokit, { ...at, number: 0, baseSha: at.sha, headSha: at.sha }, options)
  return {
    baseRef: at.sha,
    headRef: at.sha,
    read: (ref, path) => api.read(ref, path),
    listFiles: ref => api.listFiles(ref),
    async listChangedFiles() {
      return (await api.listFiles(at.sha)).map(path => ({ path, status: 'added' as const }))
    }
  }
}

/**
 * A push from `before` to `sha`: the files whose blobs differ between the two trees, each version read
 * from the API. A new branch (no `before`) lists every file as added.
 */
export function createPushSource(
  octokit: Octokit,
  push: { owner: string; repo: string; sha: string; before?: string },
  options: ApiChangeSourceOptions = {}
): ChangeSource {
  const base = push.before ?? push.sha
  const api = createApiChangeSource(
    octokit,
    { ...push, number: 0, baseSha: base, headSha: push.sha },
    options
  )
  const blobs = async (ref: string): Promise<Map<string, string>> => {
    const { data } = await octokit.rest.git.getTree({
      owner: push.owner,
      repo: push.repo,
      tree_sha: ref,
      recursive: 'true'
    })
    if (data.truncated)
      options.warn?.(`GitHub listed only part of the file tree at ${ref.slice(0, 7)} (it is too large).`)
    return new Map(
      data.tree.flatMap(entry =>
        entry.type === 'blob' && entry.path && entry.sha ? [[entry.path, entry.sha]] : []
      )
    )
  }
  return {
    baseRef: base,
    headRef: push.sha,
    read: (ref, path) => api.read(ref, path),
    listFiles: ref => api.listFiles(ref),
    async listChangedFiles(): Promise<ChangedFile[]> {
      const after = await blobs(push.sha)
      if (!push.before) return [...after.keys()].map(path => ({ path, status: 'added' as const }))
      const before = await blobs(push.before)
      const changed: ChangedFile[] = []
      for (const [path, sha] of after) {
        const old = before.get(path)
        if (old === undefined) changed.push({ path, status: 'added' })
        else if (old !== sha) changed.push({ path, status: 'modified' })
      }
      for (const path of before.keys()) if (!after.has(path)) changed.push({ path, status: 'removed' })
      return changed
    }
  }
}
