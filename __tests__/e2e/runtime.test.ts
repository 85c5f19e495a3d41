/**
 * promptgate/runtime as a service gets it: the bundled dist/runtime.js against a loopback stand-in
 * for GitHub's contents route, and the example service run with node, offline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core'
import type {
  createPromptLoader as CreatePromptLoader,
  PromptSource,
  RegistrySnapshot
} from '../../src/runtime/index.js'
import {
  startFakeRegistryContents,
  waitFor,
  type FakeRegistryContents
} from '../helpers/fake-registry-contents.js'
import { registrySnapshot, TRIAGE } from '../helpers/registry-snapshot.js'
import { NODE } from '../helpers/run-action.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'runtime.js')
const EXAMPLE = join(ROOT, 'examples', 'service')

let createPromptLoader: typeof CreatePromptLoader
let github: FakeRegistryContents
let dir: string

beforeAll(async () => {
  ;({ createPromptLoader } = (await import(BUNDLE)) as { createPromptLoader: typeof CreatePromptLoader })
  github = await startFakeRegistryContents()
  dir = await mkdtemp(join(tmpdir(), 'runtime-e2e-'))
})

afterAll(async () => {
  await github.close()
  await rm(dir, { recursive: true, force: true })
})

describe('dist/runtime.js', () => {
  it('is one small file of its own with no import but node built-ins', async () => {
    const source = await readFile(BUNDLE, 'utf8')
    const imports = Array.from(source.matchAll(/(?:from|import)\s*["']([^"']+)["']/g), match => match[1])
    expect(imports.every(spec => spec?.startsWith('node:'))).toBe(true)
    expect((await stat(BUNDLE)).size).toBeLessThan(10_000) // the README says under 10 KB
  })

  it('types a consumer through package.json exports (dist/runtime.d.ts)', async () => {
    const check = join(ROOT, 'build', 'runtime-types')
    await mkdir(check, { recursive: true })
    const consumer = join(check, 'consumer.ts')
    await writeFile(
      consumer,
      `import {
  createPromptLoader,
  metricLabels,
  type LoadedPrompt,
  type MetricLabels,
  type PromptMessage,
  type ShadowPrompt
} from 'promptgate/runtime'
const prompts = createPromptLoader({ sources: [{ file: 'snapshot.json' }, { lastKnownGood: 'lkg.json' }] })
const p: LoadedPrompt = prompts.get('prompts/triage.prompt.yml', { key: 7, channel: 'canary' })
const messages: PromptMessage[] = p.render({ title: 't' })
const source: 'github' | 'last-known-good' | 'file' = p.source
const shadow: ShadowPrompt | undefined = prompts.shadow('prompts/triage.prompt.yml', { key: 'u' })
const candidate: 'canary' | 'latest' | undefined = shadow?.channel
const labels: MetricLabels = metricLabels(p)
const digest: string = labels.prompt_digest + p.labels.prompt_version
// @ts-expect-error not a channel
prompts.get('x', { channel: 'beta' })
export { messages, source, candidate, digest }
`
    )
    try {
      // tsc in a process of its own: inside Jest's module VM it takes several times as long.
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
      const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext']
      const run = await runNode([
        tsc,
        ...flags,
        '--target',
        'es2023',
        '--types',
        'node',
        '--listFiles',
        consumer
      ])
      expect(run.stdout.split('\n').filter(line => line.includes('error TS'))).toEqual([])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(join(ROOT, 'dist', 'runtime.d.ts'))
    } finally {
      await rm(check, { recursive: true, force: true })
    }
  }, 30_000)

  it("does not keep a service alive: the refresh timer is unref()'d", async () => {
    const bundled = join(dir, 'alive.json')
    await writeFile(bundled, JSON.stringify(registrySnapshot({ stable: 2 })))
    const script = `const { createPromptLoader } = await import(${JSON.stringify(BUNDLE)})
const prompts = createPromptLoader({ sources: [{ file: ${JSON.stringify(bundled)} }], refreshSeconds: 60 })
await prompts.ready()
console.log('v' + prompts.get(${JSON.stringify(TRIAGE)}).version)`
    const started = Date.now()
    const run = await runNode(['--input-type=module', '-e', script])
    expect(run).toMatchObject({ code: 0, stdout: 'v2\n' })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('picks up a moved channel within one refresh, keeps serving through a 500 and garbage, and falls back offline', async () => {
    const lkg = join(dir, 'lkg', 'snapshot.json')
    const bundled = join(dir, 'bundled.json')
    await writeFile(bundled, JSON.stringify(registrySnapshot({ stable: 1 })))
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const errors: string[] = []
    const origin = { repo: 'acme/support', token: 'ghs_runtime', apiUrl: github.origin }
    const fallbacks: PromptSource[] = [{ lastKnownGood: lkg }, { file: bundled }]
    const sources: PromptSource[] = [{ github: origin }, ...fallbacks]
    const refreshSeconds = 0.3
    const prompts = createPromptLoader({
      sources,
      refreshSeconds,
      onError: error => errors.push(error.message)
    })
    await prompts.ready()
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, channel: 'stable', source: 'github' })

    // A canary at 100% of keys, then a promote: each seen within one refresh period.
    github.setSnapshot(registrySnapshot({ stable: 3, canary: { version: 4, percent: 100 } }))
    let moved = Date.now()
    await waitFor(() => prompts.get(TRIAGE, { key: 'user-7' }).channel === 'canary', 'the canary')
    expect(Date.now() - moved).toBeLessThan(refreshSeconds * 1000 + 250)
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, channel: 'stable' })
    github.setSnapshot(registrySnapshot({ stable: 4 }))
    moved = Date.now()
    await waitFor(() => prompts.get(TRIAGE).version === 4, 'the promote')
    expect(Date.now() - moved).toBeLessThan(refreshSeconds * 1000 + 250)
    expect(prompts.get(TRIAGE, { key: 'user-7' }).channel).toBe('stable')

    // Unchanged: the next refresh is a 304 and changes nothing.
    const before = github.requests.length
    await waitFor(() => github.requests.length > before, 'a conditional refresh')
    expect(github.requests.at(-1)!.status).toBe(304)

    for (const failure of [
      { status: 500, body: 'Internal Server Error' },
      { status: 200, body: '<html>not a snapshot</html>' }
    ]) {
      github.respondWith(failure)
      const count = github.requests.length
      const reported = errors.length
      await waitFor(() => github.requests.length > count, `a refresh answered ${failure.status}`)
      await waitFor(() => errors.length > reported, 'the failure to be reported')
      expect(prompts.get(TRIAGE)).toMatchObject({ version: 4, source: 'github' })
    }
    expect(errors.some(message => message.includes('HTTP 500'))).toBe(true)
    expect(errors.some(message => message.includes('not JSON'))).toBe(true)
    prompts.close()
    const afterClose = github.requests.length
    await new Promise(done => setTimeout(done, refreshSeconds * 1000 * 2))
    expect(github.requests.length).toBe(afterClose)

    // Offline: GitHub gone, the last-known-good file serves v4; without it, the bundled file serves v1.
    const offlineSources: PromptSource[] = [
      { github: { ...origin, apiUrl: 'http://127.0.0.1:2' } },
      ...fallbacks
    ]
    const offline = createPromptLoader({ sources: offlineSources, refreshSeconds: 0 })
    await offline.ready()
    expect(offline.get(TRIAGE)).toMatchObject({ version: 4, source: 'last-known-good' })
    await rm(lkg)
    const bare = createPromptLoader({ sources: offlineSources, refreshSeconds: 0 })
    await bare.ready()
    expect(bare.get(TRIAGE)).toMatchObject({ version: 1, source: 'file' })
  })
})

describe('the example service', () => {
  it('loads its prompt offline from the bundled snapshot, with the split flagd evaluates', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`)
    const run = await runNode([join(EXAMPLE, 'triage.mjs'), ...keys])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^fell back past github: github \(acme\/support@promptgate\/registry\): GET http:\/\/127\.0\.0\.1:2\/\S+: ECONNREFUSED$/m
    )

    const snapshot = JSON.parse(await readFile(join(EXAMPLE, 'snapshot.json'), 'utf8')) as RegistrySnapshot
    const flagd = flagdFor(snapshot)
    const channels = new Set<string>()
    for (const key of keys) {
      const line = new RegExp(`^${key}: v(\\d) (stable|canary) (sha256:[0-9a-f]{12}) from file$`, 'm').exec(
        run.stdout
      )
      expect(line).not.toBeNull()
      const served = flagd.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: key }).value
      expect(served.slice(0, 19)).toBe(line![3])
      channels.add(line![2]!)
    }
    expect(channels).toEqual(new Set(['stable', 'canary']))
    expect(run.stdout).toContain('no key: v2 stable')
    expect(run.stdout).toContain(
      '[user] Title: App crashes on start\nReporter: octocat\n\nSince 2.3 the app exits'
    )
    expect(run.stdout).not.toContain('{{')
  })
})

/** The flag file the registry writes for a snapshot (the README's contract), loaded into flagd-core. */
function flagdFor(snapshot: RegistrySnapshot): FlagdCore {
  const flags = Object.fromEntries(
    Object.entries(snapshot.prompts).map(([id, { channels, versions }]) => {
      const stable = channels.stable!.digest
      const canary = channels.canary
      const weight = canary ? Math.round(canary.percent! * 100) : 0
      return [
        id,
        {
          state: 'ENABLED',
          variants: Object.fromEntries(Object.keys(versions).map(digest => [digest, digest])),
          defaultVariant: stable,
          ...(canary
            ? {
                targeting: {
                  fractional: [
                    [canary.digest, weight],
                    [stable, 10_000 - weight]
                  ]
                }
              }
            : {})
        }
      ]
    })
  )
  const silent = { debug() {}, info() {}, warn() {}, error() {} }
  const storage = new MemoryStorage(silent)
  storage.setConfigurations(
    JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags }),
    true
  )
  return new FlagdCore(storage, silent)
}

function runNode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(NODE, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  return new Promise(done => child.on('close', code => done({ code: code ?? -1, stdout, stderr })))
}
