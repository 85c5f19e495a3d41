import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createResultCache } from '../../../src/eval/cache.js'
import { createCallMaker, hashEmbedding } from '../../../src/eval/calls.js'
import { hashCall } from '../../../src/eval/hash.js'
import { createScheduler } from '../../../src/eval/scheduler.js'
import type { ProviderRef } from '../../../src/prompts/types.js'
import type { Provider } from '../../../src/providers/types.js'

const EMBEDDER: ProviderRef = { id: 'openai:text-embedding-3-small', apiKeyEnv: 'TEAM_A_KEY' }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptgate-calls-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('hashEmbedding', () => {
  it("names the provider, its base URL and its key's variable, and is no completion's hash", () => {
    const base = hashEmbedding(EMBEDDER, 'kiwi')
    const variants = [
      hashEmbedding({ ...EMBEDDER, apiKeyEnv: 'TEAM_B_KEY' }, 'kiwi'),
      hashEmbedding({ ...EMBEDDER, baseUrl: 'http://localhost:11434/v1' }, 'kiwi'),
      hashEmbedding({ ...EMBEDDER, id: 'openai:text-embedding-3-large' }, 'kiwi'),
      hashEmbedding(EMBEDDER, 'banana'),
      hashCall(EMBEDDER, { messages: [{ role: 'user', content: 'kiwi' }], parameters: {} })
    ]
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1)
  })
})

describe('createCallMaker: embeddings in the result cache', () => {
  it('serves a vector only to the key that asked for it', async () => {
    const asked: string[] = []
    const provider: Provider = {
      ref: EMBEDDER,
      complete: () => Promise.reject(new Error('not used')),
      embed: async texts => {
        asked.push(texts[0]!)
        return { vectors: [[1, 0]] }
      }
    }
    const env: Record<string, string> = { TEAM_A_KEY: 'sha256:one' }
    const cache = () =>
      createResultCache(dir, { credentialOf: ref => `${ref.apiKeyEnv}=${env[ref.apiKeyEnv!]}` })
    const maker = () =>
      createCallMaker(createScheduler(1), { get: () => provider }, new AbortController().signal, cache())

    expect(await maker().embed(EMBEDDER, 'kiwi')).toEqual([1, 0])
    const again = maker()
    expect(await again.embed(EMBEDDER, 'kiwi')).toEqual([1, 0])
    expect([asked.length, again.cached]).toEqual([1, 1])

    env.TEAM_A_KEY = 'sha256:another-account'
    const rotated = maker()
    await rotated.embed(EMBEDDER, 'kiwi')
    expect([asked.length, rotated.cached]).toEqual([2, 0])
  })
})
