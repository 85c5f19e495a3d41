/**
 * What the registry e2e tests share: a triage prompt file, the real push example pointed at two
 * commits, the registry branch's snapshot and events as a repository holds them, and a passed step.
 */
import { expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eventPayload } from './payloads.js'
import type { ActionRun } from './run-action.js'

export const REGISTRY_BRANCH = 'promptgate/registry'

/** A GitHub Models prompt file labelling issues, with a golden set of `rows` titles (default three). */
export function triagePrompt(instruction: string, rows = 3): string {
  const data = [
    '  - { title: "app crashes on start", expected: bug }',
    '  - { title: "add dark mode", expected: feature }',
    '  - { title: "crash when saving", expected: bug }'
  ].slice(0, rows)
  return `name: Triage
model: openai/gpt-4o-mini
messages:
  - role: system
    content: ${instruction}
  - role: user
    content: "{{title}}"
testData:
${data.join('\n')}
evaluators:
  - name: label
    string:
      contains: "{{expected}}"
`
}

/** "bug" for a crash, else "feature": every version scores 1 on the golden set. */
export function labelByKeyword(request: { messages: { content: string }[] }): string {
  return (request.messages.at(-1)?.content ?? '').includes('crash') ? 'bug' : 'feature'
}

/** The real push example, to the default branch, from `before` (undefined: a new branch) to `after`. */
export function pushPayload(before: string | undefined, after: string): unknown {
  const payload = eventPayload('push') as {
    ref: string
    before: string
    after: string
    repository: { default_branch: string }
  }
  payload.ref = `refs/heads/${payload.repository.default_branch}`
  payload.before = before ?? '0'.repeat(40)
  payload.after = after
  return payload
}

export interface BranchSnapshot {
  prompts: Record<
    string,
    { channels: Record<string, { version: number; digest: string; percent?: number } | undefined> }
  >
}

function show(dir: string, file: string): string {
  return execFileSync('git', ['show', `${REGISTRY_BRANCH}:${file}`], { cwd: dir, encoding: 'utf8' }).trim()
}

export const branchSnapshot = (dir: string): BranchSnapshot =>
  JSON.parse(show(dir, 'snapshot.json')) as BranchSnapshot

export const branchEvents = (dir: string): Record<string, unknown>[] =>
  show(dir, 'events.ndjson')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Record<string, unknown>)

/** Fails with what the step printed unless it passed. */
export function expectPassed(run: ActionRun): void {
  expect({ exitCode: run.exitCode, stdout: run.stdout }).toEqual({ exitCode: 0, stdout: run.stdout })
}

/** A real repository whose one commit holds `.github/promptgate.yml`; `git` runs in it as a test user. */
export function configuredRepository(config: string, prefix = 'promptgate-rollout-') {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8'
    }).trim()
  git('init', '-q', '-b', 'main')
  mkdirSync(join(dir, '.github'))
  writeFileSync(join(dir, '.github', 'promptgate.yml'), config)
  git('add', '.')
  git('commit', '-q', '-m', 'config')
  return { dir, git }
}
