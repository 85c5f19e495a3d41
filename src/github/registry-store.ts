/**
 * The registry branch on GitHub, through the Git Database API: no checkout, just refs, commits,
 * trees and blobs (written inline in the tree). A write lands only as a fast-forward of the commit it was computed on; a writer
 * that lost the race gets `moved` and nothing of its change is visible.
 */
import { UserError } from '../errors.js'
import type { RegistryStore, RegistryTip, RegistryWrite, RegistryWriteOutcome } from '../registry/store.js'
import { apiMessage, httpStatus, isRateLimited } from './http-error.js'
import type { Octokit } from './octokit.js'

export interface GitHubRegistryLocation {
  owner: string
  repo: string
  /** The branch name without `refs/heads/`, e.g. `promptgate/registry`. */
  branch: string
}

interface TreeEntry {
  path?: string
  type?: string
  sha?: string
}

export function createGitHubRegistryStore(octokit: Octokit, location: GitHubRegistryLocation): RegistryStore {
  const { owner, repo, branch } = location
  const where = `the branch ${branch} of ${owner}/${repo} on GitHub`
  const blobs = new Map<string, Promise<string>>()
  const treeOfCommit = new Map<string, string>()

  async function tipCommit(): Promise<string | undefined> {
    try {
      const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })
      return data.object.sha
    } catch (error) {
      if (httpStatus(error) === 404) return undefined
      throw error
    }
  }

  async function commitTree(commit: string): Promise<string> {
    const known = treeOfCommit.get(commit)
    if (known) return known
    const { data } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: commit })
    treeOfCommit.set(commit, data.tree.sha)
    return data.tree.sha
  }

  /** Blob SHAs by path, recursively; a listing GitHub truncated is completed one subtree at a time. */
  async function files(tree: string): Promise<Map<string, string>> {
    const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: tree, recursive: 'true' })
    if (!data.truncated) return blobsOf(data.tree, '')
    return walk(tree, '')
  }

  async function walk(tree: string, prefix: string): Promise<Map<string, string>> {
    const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: tree })
    const found = blobsOf(data.tree, prefix)
    const subtrees = data.tree.filter(entry => entry.type === 'tree' && entry.sha && entry.path)
    for (const nested of await Promise.all(
      subtrees.map(entry => walk(entry.sha as string, `${prefix}${entry.path}/`))
    )) {
      for (const [path, sha] of nested) found.set(path, sha)
    }
    return found
  }

  function blobsOf(entries: TreeEntry[], prefix: string): Map<string, string> {
    const found = new Map<string, string>()
    for (const entry of entries) {
      if (entry.type === 'blob' && entry.path && entry.sha) found.set(`${prefix}${entry.path}`, entry.sha)
    }
    return found
  }

  function blobText(sha: string): Promise<string> {
    let text = blobs.get(sha)
    if (!text) {
      text = octokit.rest.git
        .getBlob({ owner, repo, file_sha: sha })
        .then(({ data }) =>
          Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8')
        )
      // A failed fetch is not cached: the next read asks again.
      text.catch(() => blobs.delete(sha))
      blobs.set(sha, text)
    }
    return text
  }

  async function read(): Promise<RegistryTip> {
    const sha = await tipCommit()
    if (!sha) return { sha: undefined, read: async () => undefined, list: async () => [] }
    const paths = await files(await commitTree(sha))
    return {
      sha,
      async read(path) {
        const blob = paths.get(path)
        return blob === undefined ? undefined : blobText(blob)
      },
      async list(dir) {
        const prefix = `${dir.replace(/\/+$/, '')}/`
        return [...paths.keys()].filter(path => path.startsWith(prefix)).sort()
      }
    }
  }

  async function write(change: RegistryWrite): Promise<RegistryWriteOutcome> {
    // A read, outside the try: only a refused write means the token lacks `contents: write`.
    const baseTree = change.parent ? await commitTree(change.parent) : undefined
    try {
      // The files go inline (`content`), not as blobs first: each write is a throttled request, so a
      // change costs a tree, a commit and a ref whatever number of files it touches.
      const tree = Object.entries(change.files).map(([path, content]) => ({
        path,
        mode: '100644' as const,
        type: 'blob' as const,
        content
      }))
      const { data: newTree } = await octokit.rest.git.createTree({
        owner,
        repo,
        tree,
        ...(baseTree ? { base_tree: baseTree } : {})
      })
      const { data: commit } = await octokit.rest.git.createCommit({
        owner,
        repo,
        message: change.message,
        tree: newTree.sha,
        parents: change.parent ? [change.parent] : []
      })
      treeOfCommit.set(commit.sha, newTree.sha)
      const moved = change.parent ? await moveBranch(commit.sha) : await createBranch(commit.sha)
      return moved ? { status: 'moved' } : { status: 'committed', sha: commit.sha }
    } catch (error) {
      throw refusal(error) ?? error
    }
  }

  /** Fast-forward only; true when another writer moved (or deleted) the branch first. */
  async function moveBranch(sha: string): Promise<boolean> {
    try {
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: false })
      return false
    } catch (error) {
      if (httpStatus(error) === 422 && /not a fast.?forward|does not exist/i.test(apiMessage(error)))
        return true
      throw error
    }
  }

  /** True when another writer created the branch first. */
  async function createBranch(sha: string): Promise<boolean> {
    try {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha })
      return false
    } catch (error) {
      if (httpStatus(error) === 422 && /already exists/i.test(apiMessage(error))) return true
      throw error
    }
  }

  function refusal(error: unknown): UserError | undefined {
    const status = httpStatus(error)
    if ((status !== 403 && status !== 404) || isRateLimited(error)) return undefined
    return new UserError(
      `GitHub refused to write ${where} (${status}: ${apiMessage(error)}). The workflow's token needs ` +
        '`permissions: contents: write` (in the job or workflow) to write the registry branch; a ' +
        'pull request from a fork never gets it, so register on `push` to the default branch instead.'
    )
  }

  return { branch, where, read, write }
}
