import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inCanary } from '../../../src/runtime/bucket.js'
import { createPromptLoader } from '../../../src/runtime/loader.js'
import type { PromptLoader, PromptLoaderOptions, SourceName } from '../../../src/runtime/types.js'
import {
  startFakeRegistryContents,
  waitFor,
  type FakeRegistryContents
} from '../../helpers/fake-registry-contents.js'
import { registrySnapshot, TRIAGE } from '../../helpers/registry-snapshot.js'

let github: FakeRegistryContents
let dir: string
let lkg: string
let bundled: string
const loaders: PromptLoader[] = []
const errors: Array<{ source: SourceName; message: string }> = []

beforeEach(async () => {
  github = await startFakeRegistryContents()
  dir = await mkdtemp(join(tmpdir(), 'runtime-'))
  lkg = join(dir, 'cache', 'last-known-good.json')
  bundled = join(dir, 'bundled.json')
  await writeFile(bundled, JSON.stringify(registrySnapshot({ stable: 1 })))
  errors.length = 0
})

afterEach(async () => {
  loaders.splice(0).forEach(loader => loader.close())
  await github.close()
  await rm(dir, { recursive: true, force: true })
})

function loader(overrides: Partial<PromptLoaderOptions> & { ttlSeconds?: number; timeoutMs?: number } = {}) {
  const { ttlSeconds, timeoutMs, ...rest } = overrides
  const created = createPromptLoader({
    sources: [
      { github: { repo: 'acme/support', token: 't0ken', apiUrl: github.origin, ttlSeconds, timeoutMs } },
      { lastKnownGood: lkg },
      { file: bundled }
    ],
    refreshSeconds: 0,
    onError: (error, source) => errors.push({ source, message: error.message }),
    ...rest
  })
  loaders.push(created)
  return created
}

describe('sources and fallback', () => {
  it('loads from GitHub with the raw media type, the token and the registry ref', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader()
    await prompts.ready()
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, channel: 'stable', source: 'github' })
    const [request] = github.requests
    expect(request).toMatchObject({
      path: '/repos/acme/support/contents/snapshot.json',
      ref: 'promptgate/registry'
    })
    expect(request!.headers.accept).toBe('application/vnd.github.raw+json')
    expect(request!.headers.authorization).toBe('Bearer t0ken')
    expect(errors).toEqual([])
  })

  it('reads a GitHub Enterprise Server API URL (a path prefix, a trailing slash) and another ref', async () => {
    const enterprise = await startFakeRegistryContents('acme/support', 'releases/prompts')
    enterprise.setSnapshot(registrySnapshot({ stable: 5 }))
    const prompts = createPromptLoader({
      sources: [
        { github: { repo: 'acme/support', ref: 'releases/prompts', apiUrl: `${enterprise.origin}/api/v3/` } }
      ],
      refreshSeconds: 0
    })
    loaders.push(prompts)
    await prompts.ready()
    await enterprise.close()
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 5, source: 'github' })
    expect(enterprise.requests[0]).toMatchObject({
      path: '/api/v3/repos/acme/support/contents/snapshot.json',
      ref: 'releases/prompts'
    })
    expect(enterprise.requests[0]!.headers.authorization).toBeUndefined()
  })

  it('gives up on a GitHub answer after 5 seconds by default', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    github.delayMs = 7000
    const started = Date.now()
    const prompts = loader()
    await prompts.ready()
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900)
    expect(Date.now() - started).toBeLessThan(6500)
    expect(prompts.get(TRIAGE).source).toBe('file')
    expect(errors[0]!.message).toContain('no answer within 5000 ms')
  }, 15_000)

  it('writes the last-known-good file after a GitHub load, atomically (no temporary file left)', async () => {
    const snapshot = registrySnapshot({ stable: 3 })
    github.setSnapshot(snapshot)
    await loader().ready()
    expect(JSON.parse(await readFile(lkg, 'utf8'))).toEqual(snapshot)
    expect(await readdir(join(dir, 'cache'))).toEqual(['last-known-good.json'])
  })

  it('falls back in order: GitHub fails, then the last-known-good file, then the bundled file', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    await loader().ready() // leaves a last-known-good v3

    github.respondWith({ status: 500, body: 'upstream error' })
    const fromLkg = loader()
    await fromLkg.ready()
    expect(fromLkg.get(TRIAGE)).toMatchObject({ version: 3, source: 'last-known-good' })
    expect(errors).toEqual([{ source: 'github', message: expect.stringContaining('HTTP 500') }])

    await rm(lkg)
    errors.length = 0
    const fromFile = loader()
    await fromFile.ready()
    expect(fromFile.get(TRIAGE)).toMatchObject({ version: 1, source: 'file' })
    expect(errors.map(error => error.source)).toEqual(['github', 'last-known-good'])
    expect(errors[1]!.message).toContain('no such file')
  })

  it('falls back when GitHub is unreachable or too slow', async () => {
    const closed = await startFakeRegistryContents()
    await closed.close()
    const unreachable = createPromptLoader({
      sources: [{ github: { repo: 'acme/support', apiUrl: closed.origin } }, { file: bundled }],
      refreshSeconds: 0,
      onError: (error, source) => errors.push({ source, message: error.message })
    })
    loaders.push(unreachable)
    await unreachable.ready()
    expect(unreachable.get(TRIAGE).source).toBe('file')
    expect(errors[0]!.message).toMatch(/github \(acme\/support@promptgate\/registry\): GET .*ECONNREFUSED/)

    github.setSnapshot(registrySnapshot({ stable: 3 }))
    github.delayMs = 2000
    const slow = loader({ timeoutMs: 200 })
    const started = Date.now()
    await slow.ready()
    expect(Date.now() - started).toBeLessThan(1500)
    expect(slow.get(TRIAGE).source).toBe('file')
    expect(errors.at(-2)!.message).toContain('no answer within 200 ms')
  })

  it.each([
    ['garbage', 'not json {', 'not JSON'],
    [
      'another schema version',
      JSON.stringify({ ...registrySnapshot({ stable: 3 }), schema_version: 2 }),
      'schema_version is 2'
    ],
    ['a channel without its version', brokenSnapshot(), 'which versions does not hold'],
    ['a bad canary percent', canaryPercent(140), 'percent is not a number from 0 to 100']
  ])('a corrupt snapshot (%s) falls through to the next source', async (_name, body, reason) => {
    github.setSnapshot(body)
    const prompts = loader()
    await prompts.ready()
    expect(prompts.get(TRIAGE).source).toBe('file')
    expect(errors[0]).toEqual({ source: 'github', message: expect.stringContaining(reason) })
  })

  it('a corrupt last-known-good file falls through to the bundled file', async () => {
    github.respondWith({ status: 404, body: '{"message":"Not Found"}' })
    await writeFile(lkg.replace('cache/', ''), '{"half": ')
    const prompts = createPromptLoader({
      sources: [{ lastKnownGood: lkg.replace('cache/', '') }, { file: bundled }],
      refreshSeconds: 0
    })
    loaders.push(prompts)
    await prompts.ready()
    expect(prompts.get(TRIAGE).source).toBe('file')
  })

  it('rejects ready() with one message naming every source and why it failed', async () => {
    github.respondWith({ status: 404, body: '{"message":"Not Found"}' })
    await rm(bundled)
    const prompts = loader()
    await expect(prompts.ready()).rejects.toThrow(
      new RegExp(
        [
          '^promptgate/runtime: no source gave a snapshot: ',
          'github \\(acme/support@promptgate/registry\\): GET \\S+: HTTP 404 \\(is the registry branch there, and can the token read contents\\?\\); ',
          `last-known-good \\(${lkg}\\): no such file; `,
          `file \\(${bundled}\\): no such file$`
        ].join('')
      )
    )
    expect(() => prompts.get(TRIAGE)).toThrow('no snapshot loaded yet; await ready()')
  })

  it('refuses a source list it cannot use, at once', () => {
    expect(() => createPromptLoader({ sources: [] })).toThrow('at least one source')
    expect(() => createPromptLoader({ sources: [{ github: { repo: 'no-slash' } }] })).toThrow(
      'github.repo must be "owner/name", got "no-slash"'
    )
    expect(() => createPromptLoader({ sources: [{ url: 'x' } as never] })).toThrow('unknown source')
  })
})

describe('refresh', () => {
  it('serves a stale copy at once and starts exactly one background refresh', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ ttlSeconds: 0.1 })
    await prompts.ready()
    github.setSnapshot(registrySnapshot({ stable: 4 }))
    github.delayMs = 600
    await new Promise(resolve => setTimeout(resolve, 150))

    const started = performance.now()
    const answers = Array.from({ length: 200 }, () => prompts.get(TRIAGE).version)
    expect(performance.now() - started).toBeLessThan(100)
    expect(new Set(answers)).toEqual(new Set([3]))
    await waitFor(() => github.inFlight === 1, 'the refresh to reach the server')
    prompts.get(TRIAGE)
    await waitFor(() => prompts.get(TRIAGE).version === 4, 'the refresh to land')
    expect(github.requests).toHaveLength(2)
    expect(github.maxInFlight).toBe(1)
  })

  it('never runs two refreshes at once, when the timer and stale gets overlap with a slow answer', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ ttlSeconds: 0.01, refreshSeconds: 0.02 })
    await prompts.ready()
    github.delayMs = 300
    const until = Date.now() + 700
    while (Date.now() < until) {
      expect(prompts.get(TRIAGE).version).toBe(3)
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    expect(github.requests.length).toBeGreaterThanOrEqual(2)
    expect(github.maxInFlight).toBe(1)
  })

  it('sends the ETag back; a 304 keeps the copy and counts as fresh', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ ttlSeconds: 0.2 })
    await prompts.ready()
    const written = await readFile(lkg, 'utf8')
    await new Promise(resolve => setTimeout(resolve, 250))
    prompts.get(TRIAGE) // stale: refreshes
    await waitFor(() => github.requests.length === 2, 'the refresh')
    expect(github.requests[0]!.headers['if-none-match']).toBeUndefined()
    expect(github.requests[1]!.headers['if-none-match']).toMatch(/^"[0-9a-f]{40}"$/)
    expect(github.requests[1]!.status).toBe(304)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, source: 'github' })
    expect(github.requests).toHaveLength(2) // fresh again: no new request inside the TTL
    expect(await readFile(lkg, 'utf8')).toBe(written)
  })

  it('keeps serving the copy it has when a refresh fails or brings garbage', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ ttlSeconds: 0.05 })
    await prompts.ready()
    for (const [index, failure] of [
      { status: 500, body: 'boom' },
      { status: 200, body: '<html>' }
    ].entries()) {
      github.respondWith(failure)
      await new Promise(resolve => setTimeout(resolve, 60))
      prompts.get(TRIAGE)
      await waitFor(() => github.requests.length === index + 2, 'the refresh')
      await waitFor(() => errors.length >= index + 1, 'the error report')
      expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, source: 'github' })
    }
    expect(errors.map(error => error.message)).toEqual([
      expect.stringContaining('HTTP 500'),
      expect.stringContaining('not JSON')
    ])
  })

  it('refreshes every refreshSeconds on its own, and close() stops it', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ refreshSeconds: 0.1, ttlSeconds: 60 })
    await prompts.ready()
    github.setSnapshot(registrySnapshot({ stable: 3, canary: { version: 4, percent: 100 } }))
    await waitFor(() => prompts.get(TRIAGE, { key: 'u' }).channel === 'canary', 'the periodic refresh')
    prompts.close()
    const seen = github.requests.length
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(github.requests.length).toBe(seen)
  })

  it('a refresh does not trade a GitHub copy for an older fallback', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader({ ttlSeconds: 0.05 })
    await prompts.ready()
    await rm(lkg)
    github.respondWith({ status: 503, body: 'down' })
    await new Promise(resolve => setTimeout(resolve, 60))
    prompts.get(TRIAGE)
    await waitFor(() => errors.length === 1, 'the failed refresh')
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(prompts.get(TRIAGE)).toMatchObject({ version: 3, source: 'github' })
  })
})

describe('get', () => {
  beforeEach(() => github.setSnapshot(registrySnapshot({ stable: 3, canary: { version: 4, percent: 25 } })))

  it('chooses canary or stable by key, as the bucketing does, and stable without a key', async () => {
    const prompts = loader()
    await prompts.ready()
    const keys = Array.from({ length: 2000 }, (_, i) => i)
    for (const key of keys) {
      const answer = prompts.get(TRIAGE, { key })
      expect(answer.channel).toBe(inCanary(TRIAGE, String(key), 25) ? 'canary' : 'stable')
      expect(answer.version).toBe(answer.channel === 'canary' ? 4 : 3)
    }
    const canaryShare =
      keys.filter(key => prompts.get(TRIAGE, { key }).channel === 'canary').length / keys.length
    expect(canaryShare).toBeGreaterThan(0.2)
    expect(canaryShare).toBeLessThan(0.3)
    expect(prompts.get(TRIAGE)).toMatchObject({ channel: 'stable', version: 3 })
    const { render: _a, ...numeric } = prompts.get(TRIAGE, { key: 42 })
    const { render: _b, ...text } = prompts.get(TRIAGE, { key: '42' })
    expect(numeric).toEqual(text)
  })

  it('serves a channel asked for by name, and renders its messages', async () => {
    const prompts = loader()
    await prompts.ready()
    const latest = prompts.get(TRIAGE, { channel: 'latest', key: 'ignored' })
    expect(latest).toMatchObject({
      channel: 'latest',
      version: 4,
      content: { model: 'github:openai/gpt-4o-mini' }
    })
    expect(latest.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(latest.render({ title: 'Crash', issue: { body: 'on start' } })).toEqual([
      { role: 'system', content: 'Triage v4: label the issue.' },
      { role: 'user', content: 'Title: Crash\nBody: on start' }
    ])
    expect(() => latest.render({ title: 'Crash' })).toThrow(
      `the placeholder {{issue.body}} in "${TRIAGE}" v4 has no value`
    )
  })

  it('hands out a frozen content: a caller that edits it gets an error, and the next answer is unchanged', async () => {
    const prompts = loader()
    await prompts.ready()
    const answer = prompts.get(TRIAGE)
    expect(() => answer.content.messages.push({ role: 'user', content: 'injected' })).toThrow(TypeError)
    expect(() => ((answer.content.messages[0] as { content: string }).content = 'x')).toThrow(TypeError)
    expect(prompts.get(TRIAGE).render({ title: 't', issue: { body: 'b' } })[0]!.content).toBe(
      'Triage v3: label the issue.'
    )
  })

  it('names an unknown prompt and the prompts it has; names a missing channel and the channels it has', async () => {
    github.setSnapshot(registrySnapshot({ stable: 3 }))
    const prompts = loader()
    await prompts.ready()
    expect(() => prompts.get('prompts/nope.prompt.yml')).toThrow(
      `the snapshot (from github) has no prompt "prompts/nope.prompt.yml"; it has "${TRIAGE}"`
    )
    expect(() => prompts.get(TRIAGE, { channel: 'canary' })).toThrow(
      `"${TRIAGE}" has no canary channel in the snapshot (from github); it has latest, stable`
    )
    expect(() => prompts.get(TRIAGE, { channel: 'beta' as never })).toThrow('unknown channel "beta"')
    expect(() => prompts.get('toString')).toThrow('has no prompt "toString"')
  })

  it('never serves a channel the refreshed snapshot dropped', async () => {
    const prompts = loader({ ttlSeconds: 0.05 })
    await prompts.ready()
    expect(prompts.get(TRIAGE, { channel: 'canary' }).version).toBe(4)
    github.setSnapshot(registrySnapshot({ stable: 4 }))
    await new Promise(resolve => setTimeout(resolve, 60))
    prompts.get(TRIAGE)
    await waitFor(() => prompts.get(TRIAGE).version === 4, 'the promote to land')
    expect(() => prompts.get(TRIAGE, { channel: 'canary' })).toThrow('has no canary channel')
    expect(prompts.get(TRIAGE, { key: 'anyone' }).channel).toBe('stable')
  })
})

function brokenSnapshot(): string {
  const snapshot = registrySnapshot({ stable: 3 })
  snapshot.prompts[TRIAGE]!.versions = {}
  return JSON.stringify(snapshot)
}

function canaryPercent(percent: number): string {
  const snapshot = registrySnapshot({ stable: 3, canary: { version: 4, percent: 10 } })
  snapshot.prompts[TRIAGE]!.channels.canary!.percent = percent
  return JSON.stringify(snapshot)
}
