import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** An empty bare git repository, for the fake GitHub's `gitDir`; `git(...)` runs in it. */
export interface BareRepo {
  dir: string
  git(...args: string[]): string
  remove(): void
}

export function createBareRepo(): BareRepo {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-bare-'))
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  git('init', '-q', '--bare', '-b', 'main')
  return { dir, git, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
