import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { checkedPrice, costOf, withCost } from '../../../src/providers/cost.js'
import { builtInPrice, MODEL_PRICES, normalizeModelName } from '../../../src/providers/prices.js'
import type { Completion, Provider } from '../../../src/providers/types.js'

describe('normalizeModelName', () => {
  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['GPT-4o-Mini', 'gpt-4o-mini'],
    ['openai/gpt-4.1', 'gpt-4.1'],
    ['azure-openai/gpt-4.1-nano', 'gpt-4.1-nano'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['llama3.1:8b', 'llama3.1:8b']
  ])('%s -> %s', (model, name) => {
    expect(normalizeModelName(model)).toBe(name)
  })
})

describe('builtInPrice', () => {
  it('knows the common OpenAI, GitHub Models and Anthropic ids', () => {
    expect(builtInPrice('gpt-4o-mini')).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 })
    expect(builtInPrice('openai/gpt-4.1')).toEqual({ inputPerMillion: 2, outputPerMillion: 8 })
    expect(builtInPrice('gpt-4.1-nano')).toEqual({ inputPerMillion: 0.1, outputPerMillion: 0.4 })
    expect(builtInPrice('o3-mini')).toEqual({ inputPerMillion: 1.1, outputPerMillion: 4.4 })
    expect(builtInPrice('claude-sonnet-4-5-20250929')).toEqual({ inputPerMillion: 3, outputPerMillion: 15 })
    expect(builtInPrice('claude-haiku-4-5')).toEqual({ inputPerMillion: 1, outputPerMillion: 5 })
    expect(builtInPrice('claude-opus-4-1')).toEqual({ inputPerMillion: 15, outputPerMillion: 75 })
  })

  it('prices a dated snapshot that was priced apart, and others as their model', () => {
    expect(builtInPrice('gpt-4o-2024-05-13')).toEqual({ inputPerMillion: 5, outputPerMillion: 15 })
    expect(builtInPrice('gpt-4o-2024-08-06')).toEqual({ inputPerMillion: 2.5, outputPerMillion: 10 })
  })

  it('knows nothing of other models', () => {
    expect(builtInPrice('llama3.1:8b')).toBeUndefined()
    expect(builtInPrice('meta/Llama-3.3-70B-Instruct')).toBeUndefined()
    expect(builtInPrice('gpt-4o-mini-tts')).toBeUndefined()
  })

  it('holds only sensible figures under normalised keys', () => {
    for (const [key, price] of Object.entries(MODEL_PRICES)) {
      expect(normalizeModelName(key) === key || /\d{4}-\d{2}-\d{2}$/.test(key)).toBe(true)
      expect(price.inputPerMillion).toBeGreaterThan(0)
      expect(price.outputPerMillion).toBeGreaterThanOrEqual(price.inputPerMillion)
    }
  })
})

describe('costOf', () => {
  it('prices input and output tokens apart', () => {
    const price = { inputPerMillion: 0.15, outputPerMillion: 0.6 }
    expect(costOf({ prompt: 1000, completion: 500, total: 1500 }, price)).toBe(0.00045)
    expect(costOf({ prompt: 1_000_000, completion: 0, total: 1_000_000 }, price)).toBe(0.15)
    expect(costOf({ prompt: 0, completion: 2_000_000, total: 2_000_000 }, price)).toBe(1.2)
  })

  it('is unknown without tokens or a price', () => {
    expect(costOf(undefined, { inputPerMillion: 1, outputPerMillion: 1 })).toBeUndefined()
    expect(costOf({ prompt: 1, completion: 1, total: 2 }, undefined)).toBeUndefined()
  })
})

describe('withCost', () => {
  const price = { inputPerMillion: 2, outputPerMillion: 8 }
  const answering = (completion: Completion): Provider => ({
    ref: { id: 'openai:gpt-4.1' },
    complete: async () => completion
  })
  const request = { messages: [], parameters: {} }

  it('adds the cost of the tokens', async () => {
    const provider = withCost(
      answering({ output: 'x', latencyMs: 1, tokens: { prompt: 100, completion: 10, total: 110 } }),
      price
    )
    await expect(provider.complete(request)).resolves.toMatchObject({ cost: 0.00028 })
  })

  it('keeps a cost the provider reported and adds none without tokens', async () => {
    const reported = withCost(
      answering({
        output: 'x',
        latencyMs: 1,
        tokens: { prompt: 100, completion: 10, total: 110 },
        cost: 0.5
      }),
      price
    )
    const tokenless = withCost(answering({ output: 'x', latencyMs: 1 }), price)
    await expect(reported.complete(request)).resolves.toMatchObject({ cost: 0.5 })
    expect(await tokenless.complete(request)).not.toHaveProperty('cost')
  })
})

describe('checkedPrice', () => {
  it.each([
    [{ inputPerMillion: -1, outputPerMillion: 1 }, 'inputPerMillion'],
    [{ inputPerMillion: 1, outputPerMillion: Number.NaN }, 'outputPerMillion'],
    [{ inputPerMillion: '1', outputPerMillion: 1 }, 'inputPerMillion']
  ])('rejects %j', (price, field) => {
    expect(() => checkedPrice('openai:x', price as never)).toThrow(UserError)
    expect(() => checkedPrice('openai:x', price as never)).toThrow(`the price of openai:x needs ${field}`)
  })

  it('keeps the embeddings of the provider', async () => {
    const provider = withCost(
      {
        ref: { id: 'openai:text-embedding-3-small' },
        complete: async () => ({ output: 'x', latencyMs: 1 }),
        embed: async () => ({ vectors: [[0.5]] })
      },
      { inputPerMillion: 2, outputPerMillion: 8 }
    )
    await expect(provider.embed?.(['a'])).resolves.toEqual({ vectors: [[0.5]] })
  })
})
