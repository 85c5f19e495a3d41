import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { UserError } from '../errors.js'
import { decodeUtf8 } from './decode.js'
import type { ChangeSource, ChangeStatus, ChangedFile } from './types.js'

const run = promisify(execFile)
const MAX_FILE_BYTES = 64 * 1024 * 1024

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_FILE_BYTES, encoding: 'utf8' })
  return stdout
}

async function gitBytes(cwd: string, args: string[]): Promise<Buffer> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_FILE_BYTES, encoding: 'buffer' })
  return stdout
}

const STATUS_BY_LETTER: Record<string, ChangeStatus> = {
  A: 'added',
  C: 'added',
  M: 'modified',
  T: 'modified',
  R: 'renamed',
  D: 'removed'
}

/** Parses `git diff --name-status -z` output: status, then one path (or two for renames and copies). */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0').filter(field => field !== '')
  const files: ChangedFile[] = []
  for (let index = 0; index < fields.length;) {
    const code = fields[index++] ?? ''
    const letter = code.charAt(0)
    const status = STATUS_BY_LETTER[letter] ?? 'modified'
    if (letter === 'R' || letter === 'C') {
      const from = fields[index++] ?? ''
      const to = fields[index++] ?? ''
      files.push(letter === 'R' ? { path: to, status, previousPath: from } : { path: to, status })
    } else {
      files.push({ path: fields[index++] ?? '', status })
    }
  }
  return files
}

/** Resolves a ref to its full SHA, with an error that says what to do when it does not exist. */
export async function resolveRef(cwd: string, ref: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim()
  } catch {
    throw new UserError(
      `git ref "${ref}" does not exist in ${cwd}; fetch it (for a shallow clone: git fetch --deepen or fetch-depth: 0) or pass another ref`
    )
  }
}

/** A ChangeSource over a local git repository: the CLI's, and the action's fast path when history is present. */
export async function createGitChangeSource(
  cwd: string,
  baseRef: string,
  headRef: string
): Promise<ChangeSource> {
  const [baseSha, headSha] = await Promise.all([resolveRef(cwd, baseRef), resolveRef(cwd, headRef)])
  return {
    baseRef: baseSha,
    headRef: headSha,
    async listChangedFiles() {
      return parseNameStatus(await git(cwd, ['diff', '--name-status', '-z', '-M', `${baseSha}...${headSha}`]))
    },
    async listFiles(ref: string) {
      const output = await git(cwd, ['ls-tree', '-r', '-z', '--name-only', ref])
      return output.split('\0').filter(path => path !== '')
    },
    async read(ref: string, path: string) {
      let bytes: Buffer
      try {
        bytes = await gitBytes(cwd, ['show', `${ref}:${path}`])
      } catch {
        return undefined
      }
      return decodeUtf8(bytes, path)
    }
  }
}

/** Whether a commit is present locally (the action's fast path needs both SHAs). */
export function isShaAvailable(cwd: string, sha: string): Promise<boolean> {
  return git(cwd, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false
  )
}
