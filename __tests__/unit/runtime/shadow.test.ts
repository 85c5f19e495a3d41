import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inCanary } from '../../../src/runtime/bucket.js'
import { metricLabels } from '../../../src/runtime/labels.js'
import { createPromptLoader } from '../../../src/runtime/loader.js'
import type { PromptLoader } from '../../../src/runtime/types.js'
import { waitFor } from '../../helpers/fake-registry-contents.js'
import { digestOf, registrySnapshot, TRIAGE, type SnapshotSpec } from '../../helpers/registry-snapshot.js'

// Prometheus's label name syntax; names starting with __ are reserved.
const LABEL_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/
const KEYS = Array.from({ length: 2000 }, (_, i) => `user-${i}`)
const VARS = { title: 'Crash', issue: { body: 'on start' } }

let dir: string
let file: string
const loaders: PromptLoader[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runtime-shadow-'))
  file = join(dir, 'snapshot.json')
})

afterEach(async () => {
  loaders.splice(0).forEach(loader => loader.close())
  await rm(dir, { recursive: true, force: true })
})

async function loaderFor(spec: SnapshotSpec, refreshSeconds = 0): Promise<PromptLoader> {
  await writeFile(file, JSON.stringify(registrySnapshot(spec)))
  const prompts = createPromptLoader({ sources: [{ file }], refreshSeconds })
  loaders.push(prompts)
  await prompts.ready()
  return prompts
}

const digest = (version: number) => digestOf(`${TRIAGE} v${version}`)

describe('shadow', () => {
  it('returns the canary when one runs, shaped like get, rendering the canary', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 25 } })
    const shadow = prompts.shadow(TRIAGE)
    expect(shadow).toMatchObject({
      prompt: TRIAGE,
      version: 4,
      digest: digest(4),
      channel: 'canary',
      source: 'file',
      labels: { prompt: TRIAGE, prompt_digest: digest(4), channel: 'canary', prompt_version: '4' }
    })
    expect(shadow!.render(VARS)[0]!.content).toBe('Triage v4: label the issue.')
    expect(Object.keys(shadow!).sort()).toEqual(Object.keys(prompts.get(TRIAGE)).sort())
    expect(() => shadow!.content.messages.push({ role: 'user', content: 'x' })).toThrow(TypeError)
  })

  it("with the user's key: the canary for keys served stable, none for keys already on the canary", async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 25 } })
    let shadowed = 0
    for (const key of KEYS) {
      const served = prompts.get(TRIAGE, { key })
      const shadow = prompts.shadow(TRIAGE, { key })
      if (inCanary(TRIAGE, key, 25)) {
        expect(served.channel).toBe('canary')
        expect(shadow).toBeUndefined()
      } else {
        expect(served.channel).toBe('stable')
        expect(shadow).toMatchObject({ channel: 'canary', version: 4 })
        shadowed += 1
      }
    }
    expect(shadowed / KEYS.length).toBeGreaterThan(0.7)
    expect(shadowed / KEYS.length).toBeLessThan(0.8)
    expect(prompts.shadow(TRIAGE, { key: 42 })).toEqual(
      inCanary(TRIAGE, '42', 25) ? undefined : expect.objectContaining({ version: 4 })
    )
  })

  it('returns a paused canary (0%) for every key, while get serves stable to all of them', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 0 } })
    for (const key of KEYS.slice(0, 500)) {
      expect(prompts.get(TRIAGE, { key }).channel).toBe('stable')
      expect(prompts.shadow(TRIAGE, { key })).toMatchObject({ channel: 'canary', version: 4 })
    }
    expect(prompts.shadow(TRIAGE)).toMatchObject({ channel: 'canary', labels: { prompt_version: '4' } })
  })

  it('returns latest when no canary runs and latest differs from stable', async () => {
    const prompts = await loaderFor({ stable: 3, latest: 5 })
    expect(prompts.get(TRIAGE, { key: 'user-1' })).toMatchObject({ channel: 'stable', version: 3 })
    const shadow = prompts.shadow(TRIAGE, { key: 'user-1' })
    expect(shadow).toMatchObject({
      channel: 'latest',
      version: 5,
      digest: digest(5),
      labels: { channel: 'latest', prompt_digest: digest(5), prompt_version: '5' }
    })
    expect(prompts.shadow(TRIAGE)).toMatchObject({ channel: 'latest', version: 5 })
  })

  it('prefers the canary to a newer latest', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 10 }, latest: 5 })
    expect(prompts.shadow(TRIAGE)).toMatchObject({ channel: 'canary', version: 4 })
  })

  it('returns undefined when there is no candidate: no canary and latest is stable', async () => {
    const prompts = await loaderFor({ stable: 3 })
    expect(prompts.get(TRIAGE, { channel: 'latest' }).digest).toBe(prompts.get(TRIAGE).digest)
    expect(prompts.shadow(TRIAGE)).toBeUndefined()
    expect(prompts.shadow(TRIAGE, { key: 'user-1' })).toBeUndefined()
  })

  it('names an unknown prompt and what the snapshot has, like get; throws before ready()', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 25 } })
    expect(() => prompts.shadow('prompts/nope.prompt.yml')).toThrow(
      `promptgate/runtime: the snapshot (from file) has no prompt "prompts/nope.prompt.yml"; it has "${TRIAGE}"`
    )
    expect(() => prompts.shadow('constructor')).toThrow('has no prompt "constructor"')

    const early = createPromptLoader({ sources: [{ file: join(dir, 'missing.json') }], refreshSeconds: 0 })
    loaders.push(early)
    expect(() => early.shadow(TRIAGE)).toThrow('no snapshot loaded yet; await ready()')
    await expect(early.ready()).rejects.toThrow('no such file')
  })

  it('follows a refresh: the candidate goes once the canary is promoted', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 50 } }, 0.05)
    expect(prompts.shadow(TRIAGE)?.version).toBe(4)
    await writeFile(file, JSON.stringify(registrySnapshot({ stable: 4 })))
    await waitFor(() => prompts.get(TRIAGE).version === 4, 'the promote to land')
    expect(prompts.shadow(TRIAGE)).toBeUndefined()
  })
})

describe('metric labels', () => {
  it('every get answer carries the four labels, as strings, under Prometheus-safe names', async () => {
    const prompts = await loaderFor({ stable: 3, canary: { version: 4, percent: 25 } })
    const seen = new Map<string, Record<string, string>>()
    for (const key of KEYS.slice(0, 200)) {
      const answer = prompts.get(TRIAGE, { key })
      expect(answer.labels).toEqual({
        prompt: TRIAGE,
        prompt_digest: answer.digest,
        channel: answer.channel,
        prompt_version: String(answer.version)
      })
      seen.set(answer.channel, { ...answer.labels })
    }
    expect(seen.get('stable')).toEqual({
      prompt: TRIAGE,
      prompt_digest: digest(3),
      channel: 'stable',
      prompt_version: '3'
    })
    expect(seen.get('canary')).toMatchObject({ prompt_digest: digest(4), prompt_version: '4' })
    for (const labels of seen.values()) {
      expect(Object.keys(labels).every(name => LABEL_NAME.test(name))).toBe(true)
      expect(Object.values(labels).every(value => typeof value === 'string')).toBe(true)
    }
    expect(prompts.get(TRIAGE, { channel: 'latest' }).labels.channel).toBe('latest')
  })

  it('are frozen: a caller cannot relabel the next answer', async () => {
    const prompts = await loaderFor({ stable: 3 })
    const labels = prompts.get(TRIAGE).labels as { channel: string }
    expect(() => (labels.channel = 'canary')).toThrow(TypeError)
    expect(prompts.get(TRIAGE).labels.channel).toBe('stable')
  })

  it('metricLabels builds the same labels from any answer, e.g. a digest a flagd provider chose', () => {
    const labels = metricLabels({ prompt: TRIAGE, digest: digest(7), channel: 'canary', version: 7 })
    expect(labels).toEqual({
      prompt: TRIAGE,
      prompt_digest: digest(7),
      channel: 'canary',
      prompt_version: '7'
    })
    expect(Object.isFrozen(labels)).toBe(true)
  })
})
