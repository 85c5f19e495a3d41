/**
 * Who may fill the result cache a verdict is built on: the bundled action against the fake Actions cache
 * service, driven by the real @actions/cache client, with GitHub's cache scopes per event.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { startFakeActionsCache, type FakeActionsCache } from '../helpers/fake-actions-cache.js'
import type { FakeRequest } from '../helpers/fake-openai.js'
import type { Tree } from '../helpers/git-repo.js'
import { eventPayload } from '../helpers/payloads.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { NODE } from '../helpers/run-action.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

const TOKEN = 'ghs_e2eCacheScopeToken0123456789'
const PROMPT = SENTIMENT_PROMPT
/** The payloads' repository, Codertocat/Hello-World, has the default branch "master". */
const PUSH_NAMESPACE = 'promptgate-v2-push-master-'

/** Each test spawns the action two or three times; a loaded runner needs more than Jest's 5 seconds. */
const SEVERAL_RUNS_MS = 30_000

let shared: FakeActionsCache | undefined
afterEach(async () => {
  await closeWorlds()
  await shared?.close()
  shared = undefined
})

function world(options: { number?: number; actionsCache?: boolean | FakeActionsCache } = {}) {
  return startWorld(
    { [PROMPT]: ONE_WORD, 'README.md': 'x' },
    { [PROMPT]: CHATTY, 'README.md': 'x' },
    { token: TOKEN, respond: sentimentModel, actionsCache: true, ...options }
  )
}

function pushToDefaultBranch(w: World): unknown {
  const push = eventPayload('push') as { ref: string; after: string; repository: { default_branch: string } }
  push.ref = `refs/heads/${push.repository.default_branch}`
  push.after = w.repo.baseSha
  return push
}

/** Every result cache entry file under `dir`, by path relative to it. */
function entryFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.json'))
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
}

/** Copies the entries of `from` into `to`, every answer replaced by `output`. */
function forge(from: string, to: string, output: string): number {
  const files = entryFiles(from)
  for (const file of files) {
    const entry = JSON.parse(readFileSync(join(from, file), 'utf8')) as { result: { output: string } }
    entry.result.output = output
    mkdirSync(dirname(join(to, file)), { recursive: true })
    writeFileSync(join(to, file), JSON.stringify(entry))
  }
  return files.length
}

describe('the result cache: where it lives and who may fill it', () => {
  it(
    'never reads entries planted in the checkout or left in RUNNER_TEMP',
    async () => {
      const w = await world({ actionsCache: false })
      const first = await w.run()
      expect(first.outputs.verdict).toBe('regressed')
      expect(w.model.requests).toHaveLength(6)

      // Every answer replaced by "neutral": both sides would score 1 of 3, and the regression would pass.
      const cacheDir = join(w.runnerTemp, 'promptgate-cache')
      expect(forge(cacheDir, cacheDir, 'neutral')).toBe(6)
      expect(forge(cacheDir, join(w.repo.dir, '.promptgate', 'cache'), 'neutral')).toBe(6)

      const run = await w.run({ action: 'synchronize', inputs: { 'cache-path': '.promptgate/cache' } })
      expect(run.outputs.verdict).toBe('regressed')
      expect(run.exitCode).toBe(1)
      expect(w.model.requests).toHaveLength(12)
      const report = JSON.parse(readFileSync(run.outputs['report-path'] ?? '', 'utf8')) as {
        prompts: { cases: { head?: { output?: string; cached?: boolean } }[] }[]
      }
      const heads = report.prompts.flatMap(prompt => prompt.cases.map(c => c.head))
      expect(heads.map(head => head?.output)).toEqual([
        'I think the review is positive.',
        'I think the review is negative.',
        'I think the review is neutral.'
      ])
      expect(heads.some(head => head?.cached)).toBe(false)
      const deprecation = run.annotations.find(a => a.level === 'warning' && a.message.includes('cache-path'))
      expect(deprecation?.message).toMatch(/deprecated and ignored.*RUNNER_TEMP/)
    },
    SEVERAL_RUNS_MS
  )

  it(
    "serves a pull request's base side from the default branch's push, then a re-run from its own cache",
    async () => {
      const w = await world()
      const cache = w.actionsCache!
      const warm = await w.run({ eventName: 'push', payload: pushToDefaultBranch(w) })
      expect(warm.exitCode).toBe(0)
      expect(w.model.requests).toHaveLength(3)
      expect(cache.entries.map(entry => [entry.scope, entry.key.slice(0, PUSH_NAMESPACE.length)])).toEqual([
        ['refs/heads/master', PUSH_NAMESPACE]
      ])
      expect(cache.lookups[0]?.restoreKeys.every(key => key.startsWith(PUSH_NAMESPACE))).toBe(true)

      const pr = await w.run()
      expect(pr.outputs.verdict).toBe('regressed')
      // The base side came from the push: only the 3 head calls are new.
      expect(w.model.requests).toHaveLength(6)
      expect(cache.lookups[1]?.matchedKey?.startsWith(PUSH_NAMESPACE)).toBe(true)
      const saved = cache.entries[1]
      expect(saved?.scope).toBe('refs/pull/2/merge')
      expect(saved?.key).toMatch(/^promptgate-v2-pr-2-[0-9a-f]{16}-4243$/)

      const rerun = await w.run({ action: 'synchronize' })
      expect(rerun.outputs.verdict).toBe('regressed')
      expect(w.model.requests).toHaveLength(6)
      expect(cache.lookups[2]?.matchedKey).toBe(saved?.key)
    },
    SEVERAL_RUNS_MS
  )

  it(
    "never restores another pull request's cache, even one in a scope it can read",
    async () => {
      shared = await startFakeActionsCache()
      const two = await world({ number: 2, actionsCache: shared })
      await two.run()
      expect(two.model.requests).toHaveLength(6)
      expect(shared.entries.map(entry => entry.key)).toEqual([expect.stringMatching(/^promptgate-v2-pr-2-/)])

      const three = await world({ number: 3, actionsCache: shared })
      // As if GitHub's scoping let pull request #3 read #2's entries (e.g. saved in the base branch's scope).
      const run = await three.run({
        cacheScopes: [
          { scope: 'refs/pull/3/merge', permission: 3 },
          { scope: 'refs/pull/2/merge', permission: 1 },
          { scope: 'refs/heads/master', permission: 1 }
        ]
      })
      expect(run.outputs.verdict).toBe('regressed')
      expect(three.model.requests).toHaveLength(6)
      const lookup = shared.lookups.at(-1)!
      expect(lookup.matchedKey).toBeUndefined()
      for (const key of [lookup.key, ...lookup.restoreKeys])
        expect(key.startsWith('promptgate-v2-pr-3-') || key.startsWith(PUSH_NAMESPACE)).toBe(true)
    },
    SEVERAL_RUNS_MS
  )

  it(
    'restores under pull_request_target from the default branch only, and saves nothing',
    async () => {
      const w = await world()
      const cache = w.actionsCache!
      await w.run({ eventName: 'push', payload: pushToDefaultBranch(w) })
      const saves = cache.saves.length

      const run = await w.run({ eventName: 'pull_request_target' })
      expect(run.outputs.verdict).toBe('regressed')
      // Its token could write the base branch's scope, which every pull request reads: it never does.
      expect(cache.saves).toHaveLength(saves)
      expect(run.stdout).toContain('a pull_request_target run never saves the result cache')
      const lookup = cache.lookups.at(-1)!
      expect(lookup.restoreKeys).toEqual([PUSH_NAMESPACE])
      expect(lookup.matchedKey?.startsWith(PUSH_NAMESPACE)).toBe(true)
      expect(w.model.requests).toHaveLength(6)
    },
    SEVERAL_RUNS_MS
  )
})

describe('the result cache key covers the API key', () => {
  const CONFIG = '.github/promptgate.yml'
  const suite = (name: string, variable: string) => [
    `  - name: ${name}`,
    `    prompts: prompts/${name}.md`,
    '    tests: evals/labels.jsonl',
    '    provider:',
    '      id: openai:labeller-1',
    '      base_url: ${LLM_URL}',
    `      api_key_env: ${variable}`,
    "    assert: [{ type: equals, value: '{{expected}}' }]"
  ]
  const config = ['version: 1', 'suites:', ...suite('team-a', 'TEAM_A_KEY'), ...suite('team-b', 'TEAM_B_KEY')]
  const template = (instruction: string) => `${instruction}\n\nIssue: {{title}}\n`
  const tree = (instruction: string): Tree => ({
    [CONFIG]: `${config.join('\n')}\n`,
    'prompts/team-a.md': template(instruction),
    'prompts/team-b.md': template(instruction),
    'evals/labels.jsonl': '{"vars": {"title": "App crashes", "expected": "bug"}}\n'
  })
  /** Two accounts: behind team B's key the same model name answers differently. */
  const respond = (request: FakeRequest) =>
    request.headers.authorization === 'Bearer sk-team-b' ? 'feature' : 'bug'

  it(
    'never gives one suite the answer another key got, in one run or from the cache',
    async () => {
      const w = await startWorld(tree('Answer in one word.'), tree('Answer in a single word.'), {
        token: TOKEN,
        respond,
        actionsCache: true
      })
      const env = { TEAM_A_KEY: 'sk-team-a', TEAM_B_KEY: 'sk-team-b' }
      const run = (keys = env) =>
        w.run({ modelsEndpoint: 'http://127.0.0.1:9/unused', env: { LLM_URL: w.model.url, ...keys } })
      const byKey = () => {
        const counts: Record<string, number> = {}
        for (const request of w.model.requests) {
          const key = String(request.headers.authorization)
          counts[key] = (counts[key] ?? 0) + 1
        }
        return counts
      }

      const first = await run()
      expect(first.exitCode).toBe(0)
      // One case, two sides, per suite: each key asked for its own answers.
      expect(byKey()).toEqual({ 'Bearer sk-team-a': 2, 'Bearer sk-team-b': 2 })
      const report = JSON.parse(readFileSync(first.outputs['report-path'] ?? '', 'utf8')) as {
        prompts: { path: string; cases: { head?: { output?: string } }[] }[]
      }
      expect(Object.fromEntries(report.prompts.map(p => [p.path, p.cases[0]?.head?.output]))).toEqual({
        'prompts/team-a.md': 'bug',
        'prompts/team-b.md': 'feature'
      })

      // Team B's variable now holds another account's key: only its calls are made again.
      await run({ ...env, TEAM_B_KEY: 'sk-team-b-rotated' })
      expect(byKey()).toEqual({ 'Bearer sk-team-a': 2, 'Bearer sk-team-b': 2, 'Bearer sk-team-b-rotated': 2 })
      // The cache names neither key.
      const cacheDir = join(w.runnerTemp, 'promptgate-cache')
      const stored = entryFiles(cacheDir).map(file => `${file}${readFileSync(join(cacheDir, file), 'utf8')}`)
      expect(stored.join('\n')).not.toMatch(/sk-team|TEAM_/)
    },
    SEVERAL_RUNS_MS
  )
})

describe('the CLI result cache', () => {
  it(
    'keeps --cache DIR where it is told, so a re-run makes no model call',
    async () => {
      const w = await world({ actionsCache: false })
      const cacheDir = join(w.runnerTemp, 'cli-cache')
      // Asynchronous: the fake model answers from this process.
      const cli = () =>
        new Promise<{ status: number | null; stderr: string }>(done => {
          const child = spawn(
            NODE,
            [
              resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js'),
              ...['--repo', w.repo.dir, '--base', w.repo.baseSha, '--head', w.repo.headSha],
              ...['--models-endpoint', w.model.url, '--cache', cacheDir]
            ],
            { env: { PATH: process.env.PATH, GITHUB_TOKEN: TOKEN } }
          )
          let stderr = ''
          child.stderr.on('data', chunk => (stderr += chunk))
          child.on('close', status => done({ status, stderr }))
        })
      const first = await cli()
      expect(first.status).toBe(1)
      expect(w.model.requests).toHaveLength(6)
      expect(entryFiles(cacheDir)).toHaveLength(6)
      const again = await cli()
      expect(again.status).toBe(1)
      expect(w.model.requests).toHaveLength(6)
      expect(again.stderr).toContain(`6 result(s) from the cache, 0 added to ${cacheDir}`)
    },
    SEVERAL_RUNS_MS
  )
})
