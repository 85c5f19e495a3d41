import { describe, expect, it } from '@jest/globals'
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core'
import { Ajv } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPromptLoader } from '../../../src/runtime/index.js'
import { compileFlagd, FRACTIONAL_TOTAL_WEIGHT } from '../../../src/registry/flagd.js'
import { compileSnapshot } from '../../../src/registry/snapshot.js'
import { foldEvents } from '../../../src/registry/state.js'
import type { RegistryEvent, VersionRecord } from '../../../src/registry/types.js'
import { contentDigest } from '../../../src/registry/digest.js'
import { content } from './registry-helpers.js'

const PROMPT = 'prompts/triage.prompt.yml'
// ajv-formats is CommonJS; under NodeNext its default import is the module namespace.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv
const schema = JSON.parse(readFileSync('schema/registry-snapshot.schema.json', 'utf8'))

function versions(count: number): VersionRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const body = content(`version ${index + 1} of {{title}}`)
    return {
      prompt: PROMPT,
      version: index + 1,
      digest: contentDigest(body),
      commit: String(index + 1).repeat(40),
      registered_at: '2026-12-01T10:00:00.000Z',
      content: body,
      eval: null
    }
  })
}

function moved(
  channel: 'latest' | 'stable' | 'canary',
  to: VersionRecord | null,
  percent?: number,
  command = 'promote'
): RegistryEvent {
  return {
    type: 'channel_moved',
    at: '2026-12-01T10:00:00.000Z',
    actor: 'octocat',
    prompt: PROMPT,
    channel,
    from: null,
    to: to && { version: to.version, digest: to.digest, ...(percent === undefined ? {} : { percent }) },
    reason: 'test',
    command: command as 'promote'
  }
}

/** flagd-core with its schema validation on: an invalid flag file throws instead of being logged. */
function strictFlagd(json: string): FlagdCore {
  const logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} }
  const storage = new MemoryStorage(logger)
  storage.setConfigurations(json, true)
  return new FlagdCore(storage, logger)
}

async function compile(events: RegistryEvent[], records: VersionRecord[]) {
  const byDigest = new Map(records.map(record => [record.digest, record]))
  return compileSnapshot(foldEvents(events), async digest => byDigest.get(digest), '2026-12-01T12:00:00.000Z')
}

describe('compileSnapshot', () => {
  const records = versions(4)
  const [v1, v2, v3, v4] = records as [VersionRecord, VersionRecord, VersionRecord, VersionRecord]
  const events = [moved('stable', v1), moved('stable', v2), moved('latest', v4), moved('canary', v3, 10)]

  it('is valid against schema/registry-snapshot.schema.json', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(schema)
    const snapshot = await compile(events, records)
    expect(validate(snapshot) ? [] : validate.errors).toEqual([])
    // The schema can fail: a canary without its percent is refused.
    const broken = structuredClone(snapshot)
    delete broken.prompts[PROMPT]!.channels.canary!.percent
    expect(validate(broken)).toBe(false)
  })

  it('holds only the versions a channel points at, plus the previous stable', async () => {
    const snapshot = await compile(events, records)
    const prompt = snapshot.prompts[PROMPT]!
    expect(
      Object.values(prompt.versions)
        .map(version => version.version)
        .sort()
    ).toEqual([1, 2, 3, 4])
    expect(prompt.previous_stable).toEqual({ version: 1, digest: v1.digest })
    const later = await compile([...events, moved('stable', v3), moved('canary', null)], records)
    expect(
      Object.values(later.prompts[PROMPT]!.versions)
        .map(version => version.version)
        .sort()
    ).toEqual([2, 3, 4])
  })
})

describe('compileFlagd', () => {
  const records = versions(2)
  const [v1, v2] = records as [VersionRecord, VersionRecord]

  it('is accepted by flagd-core in strict mode and splits keys as the canary percent says', async () => {
    const flags = compileFlagd(await compile([moved('stable', v1), moved('canary', v2, 30)], records))
    expect(flags.flags[PROMPT]).toMatchObject({
      defaultVariant: v1.digest,
      targeting: {
        fractional: [
          [v2.digest, 3000],
          [v1.digest, FRACTIONAL_TOTAL_WEIGHT - 3000]
        ]
      }
    })
    const core = strictFlagd(JSON.stringify(flags))
    let canary = 0
    const keys = 20_000
    for (let key = 0; key < keys; key++) {
      const { value } = core.resolveStringEvaluation(PROMPT, 'none', { targetingKey: `user-${key}` })
      expect([v1.digest, v2.digest]).toContain(value)
      if (value === v2.digest) canary++
    }
    expect(Math.abs(canary / keys - 0.3)).toBeLessThan(0.01)
  })

  it('serves stable to every key without a canary, and the strict validation can refuse a file', async () => {
    const flags = compileFlagd(await compile([moved('stable', v1)], records))
    expect(flags.flags[PROMPT]?.targeting).toBeUndefined()
    const core = strictFlagd(JSON.stringify(flags))
    expect(core.resolveStringEvaluation(PROMPT, 'none', { targetingKey: 'k' }).value).toBe(v1.digest)
    // The validation can fail: a flag whose state is not ENABLED or DISABLED is refused.
    expect(() =>
      strictFlagd(JSON.stringify({ ...flags, flags: { [PROMPT]: { ...flags.flags[PROMPT], state: 'ON' } } }))
    ).toThrow('invalid flagd flag configuration')
  })
})

describe('the example service snapshot', () => {
  it('is one the registry would write: every digest is the digest of its content', () => {
    const example = JSON.parse(readFileSync('examples/service/snapshot.json', 'utf8'))
    const ajv = new Ajv({ strict: false })
    addFormats(ajv)
    expect(ajv.validate(schema, example)).toBe(true)
    for (const prompt of Object.values(example.prompts) as {
      versions: Record<string, { content: never }>
    }[]) {
      for (const [digest, version] of Object.entries(prompt.versions))
        expect(contentDigest(version.content)).toBe(digest)
    }
  })
})

describe('the runtime loader on what the registry compiles', () => {
  it('serves every key the version flagd-core picks from the compiled flag file', async () => {
    const records = versions(2)
    const [v1, v2] = records as [VersionRecord, VersionRecord]
    const snapshot = await compile(
      [moved('stable', v1), moved('latest', v2), moved('canary', v2, 7.5)],
      records
    )
    const dir = mkdtempSync(join(tmpdir(), 'promptgate-snapshot-'))
    const file = join(dir, 'snapshot.json')
    writeFileSync(file, JSON.stringify(snapshot))
    const loader = createPromptLoader({ sources: [{ file }], refreshSeconds: 0 })
    try {
      await loader.ready()
      const core = strictFlagd(JSON.stringify(compileFlagd(snapshot)))
      let canary = 0
      for (let key = 0; key < 20_000; key++) {
        const served = loader.get(PROMPT, { key: `account-${key}` })
        const flagged = core.resolveStringEvaluation(PROMPT, 'none', { targetingKey: `account-${key}` }).value
        if (served.digest !== flagged)
          throw new Error(`key account-${key}: loader ${served.digest}, flagd ${flagged}`)
        if (served.channel === 'canary') canary++
      }
      expect(Math.abs(canary / 20_000 - 0.075)).toBeLessThan(0.01)
    } finally {
      loader.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a registry whose events point at a missing version file', () => {
  it('is an error naming the file and what to do, not a snapshot without the version', async () => {
    const [v1] = versions(1) as [VersionRecord]
    await expect(compile([moved('stable', v1)], [])).rejects.toThrow(
      `versions/${v1.digest.slice(7)}.json is missing, but the events point ${PROMPT} v1 at it; restore the file`
    )
  })
})
