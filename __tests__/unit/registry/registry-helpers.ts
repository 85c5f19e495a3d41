import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RegisterRequest } from '../../../src/registry/commands.js'
import type { PromptContent } from '../../../src/registry/types.js'

/** An empty git repository (one commit on main) to hold a registry branch. */
export function emptyRepository(): { dir: string; git: (...args: string[]) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-registry-'))
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8'
    }).trim()
  git('init', '-q', '-b', 'main')
  git('commit', '-q', '--allow-empty', '-m', 'root')
  return { dir, git, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export function content(text: string, model = 'github:openai/gpt-4o-mini'): PromptContent {
  return { messages: [{ role: 'user', content: text }], model, model_parameters: {} }
}

export function request(
  prompt: string,
  text: string,
  commit = 'a'.repeat(40),
  passRate = 0.9
): RegisterRequest {
  return {
    prompt,
    content: content(text),
    commit,
    eval: {
      metrics: { pass_rate: { value: passRate, n: 10 } },
      dataset_digest: `sha256:${'d'.repeat(64)}`,
      provider: 'github:openai/gpt-4o-mini',
      baseline: null,
      improved: 0,
      regressed: 0,
      override: null
    }
  }
}

/** A clock that ticks a minute per call, so events have distinct, ordered times. */
export function ticking(start = Date.parse('2026-12-01T10:00:00Z')): () => Date {
  let now = start
  return () => new Date((now += 60_000))
}
