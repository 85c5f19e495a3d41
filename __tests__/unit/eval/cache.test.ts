import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createResultCache, pruneResultCache } from '../../../src/eval/cache.js'
import type { CallResult } from '../../../src/eval/types.js'

const HASH = 'ab'.padEnd(64, '0')
const OTHER = 'cd'.padEnd(64, '1')
const RESULT: CallResult = {
  output: 'a fox',
  latencyMs: 120,
  tokens: { prompt: 3, completion: 2, total: 5 },
  cost: 0.001
}
const DAY = 24 * 60 * 60 * 1000

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptgate-cache-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Every file under the cache directory, relative, sorted. */
function files(): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()
}

describe('createResultCache', () => {
  it('stores a result in a file sharded by the first two hex digits, and reads it back', async () => {
    const cache = createResultCache(dir)
    expect(await cache.get(HASH)).toBeUndefined()
    await cache.set(HASH, { ...RESULT, cached: true })

    expect(files()).toEqual([`ab/${HASH}.json`])
    expect(await cache.get(HASH)).toEqual(RESULT)
    expect({ hits: cache.hits, misses: cache.misses, writes: cache.writes }).toEqual({
      hits: 1,
      misses: 1,
      writes: 1
    })
    // A new cache over the same directory (the next run) finds it.
    expect(await createResultCache(dir).get(HASH)).toEqual(RESULT)
  })

  it('never stores a failed call', async () => {
    const cache = createResultCache(dir)
    await cache.set(HASH, { output: '', error: 'openai:x answered 500', latencyMs: 0 })
    expect(files()).toEqual([])
    expect(cache.writes).toBe(0)
    expect(await cache.get(HASH)).toBeUndefined()
  })

  it.each([
    ['truncated JSON', '{"version":1,"result":{"output":"a'],
    ['another entry version', JSON.stringify({ version: 99, result: { output: 'a', latencyMs: 1 } })],
    ['an output that is not text', JSON.stringify({ version: 1, result: { output: 42, latencyMs: 1 } })],
    ['no latency', JSON.stringify({ version: 1, result: { output: 'a' } })]
  ])('reads %s as a miss', async (_, text) => {
    mkdirSync(join(dir, 'ab'))
    writeFileSync(join(dir, 'ab', `${HASH}.json`), text)
    const cache = createResultCache(dir)
    expect(await cache.get(HASH)).toBeUndefined()
    expect(cache.misses).toBe(1)
  })

  it('drops malformed token counts and keeps the rest', async () => {
    mkdirSync(join(dir, 'ab'))
    const entry = { version: 1, result: { output: 'a', latencyMs: 1, tokens: { prompt: '3' } } }
    writeFileSync(join(dir, 'ab', `${HASH}.json`), JSON.stringify(entry))
    expect(await createResultCache(dir).get(HASH)).toEqual({ output: 'a', latencyMs: 1 })
  })

  it('keeps scopes apart', async () => {
    await createResultCache(dir, { scope: 'https://models.github.ai/inference' }).set(HASH, RESULT)
    expect(await createResultCache(dir, { scope: 'http://127.0.0.1:9/v1' }).get(HASH)).toBeUndefined()
    expect(await createResultCache(dir).get(HASH)).toBeUndefined()
    expect(await createResultCache(dir, { scope: 'https://models.github.ai/inference' }).get(HASH)).toEqual(
      RESULT
    )
  })

  it("keeps one API key's answers from another's: the provider's credential is part of the key", async () => {
    const keys: Record<string, string> = { TEAM_A_KEY: 'sha256:aaaa', TEAM_B_KEY: 'sha256:bbbb' }
    const cache = createResultCache(dir, {
      scope: 'https://models.github.ai/inference',
      credentialOf: ref => (ref.apiKeyEnv ? `${ref.apiKeyEnv}=${keys[ref.apiKeyEnv]}` : undefined)
    })
    const teamA = { id: 'openai:gpt-4o-mini', apiKeyEnv: 'TEAM_A_KEY' }
    await cache.set(HASH, RESULT, teamA)
    expect(await cache.get(HASH, teamA)).toEqual(RESULT)
    expect(await cache.get(HASH, { ...teamA, apiKeyEnv: 'TEAM_B_KEY' })).toBeUndefined()
    expect(await cache.get(HASH)).toBeUndefined()
    // The same variable holding another key (a rotated key, another account) misses too.
    keys.TEAM_A_KEY = 'sha256:cccc'
    expect(await cache.get(HASH, teamA)).toBeUndefined()
    // The file name is a digest: neither the variable nor the key's digest is written anywhere.
    expect(files().join('\n')).not.toMatch(/TEAM|aaaa/)
  })

  it('refuses a key that is not a call hash, so no key can name a path outside the directory', async () => {
    const cache = createResultCache(dir)
    await expect(cache.get('../../etc/passwd')).rejects.toThrow('not a call hash')
    await expect(cache.set('AB'.padEnd(64, '0'), RESULT)).rejects.toThrow('not a call hash')
  })

  it('counts a write that fails instead of rejecting, and tries the shard again next time', async () => {
    writeFileSync(join(dir, 'ab'), 'a file where the shard directory should be')
    const cache = createResultCache(dir)
    await expect(cache.set(HASH, RESULT)).resolves.toBeUndefined()
    expect(cache.writes).toBe(0)
    expect(cache.failedWrites).toBe(1)

    rmSync(join(dir, 'ab'))
    await cache.set(HASH, RESULT)
    expect(cache.writes).toBe(1)
    expect(await cache.get(HASH)).toEqual(RESULT)
  })

  it('leaves one whole entry when writers race for a key', async () => {
    const cache = createResultCache(dir)
    const outputs = Array.from({ length: 20 }, (_, index) => `answer ${index} `.repeat(500))
    await Promise.all(outputs.map(output => cache.set(HASH, { output, latencyMs: 1 })))

    expect(files()).toEqual([`ab/${HASH}.json`])
    expect(outputs).toContain((await cache.get(HASH))?.output)
  })

  it('flush waits for writes that were not awaited', async () => {
    const cache = createResultCache(dir)
    void cache.set(HASH, RESULT)
    void cache.set(OTHER, RESULT)
    await cache.flush()
    expect(cache.writes).toBe(2)
    expect(files()).toEqual([`ab/${HASH}.json`, `cd/${OTHER}.json`])
  })
})

describe('pruneResultCache', () => {
  function age(file: string, days: number): void {
    const when = new Date(Date.now() - days * DAY)
    utimesSync(join(dir, file), when, when)
  }

  it('deletes entries unused for longer than the age, and keeps the rest', async () => {
    const cache = createResultCache(dir)
    await cache.set(HASH, RESULT)
    await cache.set(OTHER, RESULT)
    age(`ab/${HASH}.json`, 40)
    age(`cd/${OTHER}.json`, 10)

    expect(await pruneResultCache(dir, 30 * DAY)).toEqual({ kept: 1, removed: 1 })
    expect(files()).toEqual([`cd/${OTHER}.json`])
  })

  it('counts a hit as a use', async () => {
    const cache = createResultCache(dir)
    await cache.set(HASH, RESULT)
    age(`ab/${HASH}.json`, 40)
    await cache.get(HASH)

    expect(statSync(join(dir, `ab/${HASH}.json`)).mtimeMs).toBeGreaterThan(Date.now() - DAY)
    expect(await pruneResultCache(dir, 30 * DAY)).toEqual({ kept: 1, removed: 0 })
  })

  it('deletes temporary files a killed run left behind, but not ones still being written', async () => {
    mkdirSync(join(dir, 'ab'))
    writeFileSync(join(dir, 'ab', `${HASH}.json.123.aaaa.tmp`), '{')
    writeFileSync(join(dir, 'ab', `${HASH}.json.456.bbbb.tmp`), '{')
    age(`ab/${HASH}.json.123.aaaa.tmp`, 1)

    expect(await pruneResultCache(dir, 30 * DAY)).toEqual({ kept: 0, removed: 1 })
    expect(files()).toEqual([`ab/${HASH}.json.456.bbbb.tmp`])
  })

  it('leaves files that are not cache shards alone, and accepts a missing directory', async () => {
    writeFileSync(join(dir, 'README'), 'mine')
    age('README', 400)
    expect(await pruneResultCache(dir, DAY)).toEqual({ kept: 0, removed: 0 })
    expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('mine')
    expect(await pruneResultCache(join(dir, 'missing'), DAY)).toEqual({ kept: 0, removed: 0 })
  })
})
