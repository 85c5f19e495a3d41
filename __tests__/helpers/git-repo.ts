import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export type Tree = Record<string, string>

export interface TwoCommitRepo {
  dir: string
  baseSha: string
  headSha: string
  /** `git diff --name-status base...head`, in the shape of `pulls.listFiles`. */
  changedFiles(): { filename: string; status: string; previous_filename?: string }[]
  /** Every file's text at both commits, keyed by SHA then path. */
  contents(): Record<string, Record<string, string>>
  remove(): void
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
}

function writeTree(dir: string, tree: Tree): void {
  for (const entry of git(dir, 'ls-files').split('\n').filter(Boolean))
    rmSync(join(dir, entry), { force: true })
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  git(dir, 'add', '--all')
  git(
    dir,
    '-c',
    'user.name=test',
    '-c',
    'user.email=test@example.invalid',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'c'
  )
}

const STATUS: Record<string, string> = { A: 'added', M: 'modified', D: 'removed', R: 'renamed' }

/** A real git repository with a base commit and a head commit on top of it. */
export function createTwoCommitRepo(base: Tree, head: Tree): TwoCommitRepo {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-e2e-'))
  git(dir, 'init', '-q', '-b', 'main')
  writeTree(dir, base)
  const baseSha = git(dir, 'rev-parse', 'HEAD')
  writeTree(dir, head)
  const headSha = git(dir, 'rev-parse', 'HEAD')
  return {
    dir,
    baseSha,
    headSha,
    changedFiles() {
      const fields = git(dir, 'diff', '--name-status', '-z', '-M', `${baseSha}...${headSha}`)
        .split('\0')
        .filter(Boolean)
      const files: { filename: string; status: string; previous_filename?: string }[] = []
      for (let i = 0; i < fields.length;) {
        const code = fields[i++] as string
        if (code.startsWith('R')) {
          const previous = fields[i++] as string
          files.push({ filename: fields[i++] as string, status: 'renamed', previous_filename: previous })
        } else {
          files.push({ filename: fields[i++] as string, status: STATUS[code.charAt(0)] ?? 'modified' })
        }
      }
      return files
    },
    contents() {
      const at = (sha: string): Record<string, string> =>
        Object.fromEntries(
          git(dir, 'ls-tree', '-r', '--name-only', sha)
            .split('\n')
            .filter(Boolean)
            .map(path => [
              path,
              execFileSync('git', ['show', `${sha}:${path}`], { cwd: dir, encoding: 'utf8' })
            ])
        )
      return { [baseSha]: at(baseSha), [headSha]: at(headSha) }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
