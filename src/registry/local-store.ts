import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../errors.js'
import type { RegistryStore, RegistryTip, RegistryWrite, RegistryWriteOutcome } from './store.js'

const MAX_BYTES = 64 * 1024 * 1024
const ZERO_OID = '0000000000000000000000000000000000000000'

interface GitResult {
  code: number
  stdout: string
  stderr: string
}

function git(
  cwd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<GitResult> {
  return new Promise(resolve => {
    const child = execFile(
      'git',
      args,
      { cwd, maxBuffer: MAX_BYTES, encoding: 'utf8', env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      }
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

async function mustGit(
  cwd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<string> {
  const result = await git(cwd, args, options)
  if (result.code !== 0) throw new Error(`git ${args[0]} failed: ${result.stderr.trim()}`)
  return result.stdout.trim()
}

/** Who commits when the repository names nobody (a fresh CI machine): the registry's own identity. */
async function committerEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const name = (await git(dir, ['config', 'user.name'])).stdout.trim()
  const email = (await git(dir, ['config', 'user.email'])).stdout.trim()
  if (name && email) return {}
  return {
    GIT_AUTHOR_NAME: name || 'promptgate',
    GIT_AUTHOR_EMAIL: email || 'promptgate@users.noreply.github.com',
    GIT_COMMITTER_NAME: name || 'promptgate',
    GIT_COMMITTER_EMAIL: email || 'promptgate@users.noreply.github.com'
  }
}

/**
 * The registry branch of a local repository, written with git plumbing: no checkout, the working tree
 * and the current branch untouched. The ref moves by compare-and-swap, so a concurrent writer is
 * detected (`moved`), never overwritten.
 */
export async function createLocalRegistryStore(dir: string, branch: string): Promise<RegistryStore> {
  const inside = await git(dir, ['rev-parse', '--git-dir'])
  if (inside.code !== 0)
    throw new UserError(`${dir} is not a git repository; pass --repo with the repository's directory.`)
  const checked = await git(dir, ['check-ref-format', `refs/heads/${branch}`])
  if (checked.code !== 0)
    throw new UserError(`"${branch}" is not a valid branch name for the registry (--registry-branch).`)
  const ref = `refs/heads/${branch}`
  const where = `the branch ${branch} of ${dir}`

  async function read(): Promise<RegistryTip> {
    const resolved = await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    const sha = resolved.code === 0 ? resolved.stdout.trim() : undefined
    return {
      sha,
      read: async path => {
        if (!sha) return undefined
        const shown = await git(dir, ['cat-file', 'blob', `${sha}:${path}`])
        return shown.code === 0 ? shown.stdout : undefined
      },
      list: async folder => {
        if (!sha) return []
        const listed = await mustGit(dir, ['ls-tree', '-r', '--name-only', sha, '--', `${folder}/`])
        return listed.split('\n').filter(Boolean)
      }
    }
  }

  async function write(change: RegistryWrite): Promise<RegistryWriteOutcome> {
    const scratch = await mkdtemp(join(tmpdir(), 'promptgate-index-'))
    try {
      const env = { GIT_INDEX_FILE: join(scratch, 'index') }
      await mustGit(dir, change.parent ? ['read-tree', change.parent] : ['read-tree', '--empty'], { env })
      for (const [path, text] of Object.entries(change.files)) {
        const blob = await mustGit(dir, ['hash-object', '-w', '--stdin'], { input: text })
        await mustGit(dir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env })
      }
      const tree = await mustGit(dir, ['write-tree'], { env })
      const commit = await mustGit(
        dir,
        ['commit-tree', tree, ...(change.parent ? ['-p', change.parent] : []), '-m', change.message],
        { env: await committerEnv(dir) }
      )
      const updated = await git(dir, [
        'update-ref',
        '-m',
        change.message,
        ref,
        commit,
        change.parent ?? ZERO_OID
      ])
      return updated.code === 0 ? { status: 'committed', sha: commit } : { status: 'moved' }
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }

  return { branch, where, read, write }
}
