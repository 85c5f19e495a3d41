import { describe, expect, it } from '@jest/globals'
import { knownAssertionTypes, runAssertion } from '../../../src/assertions/index.js'
import { cosineSimilarity, DEFAULT_SIMILARITY_THRESHOLD, similar } from '../../../src/assertions/similar.js'
import type { AssertionContext, AssertionSpec, Embed } from '../../../src/assertions/types.js'
import { errorMessage, isUserError } from '../../../src/errors.js'
import { contextFor } from './fake-judge.js'

/** Unit vectors in the plane: the cosine between texts at `a` and `b` degrees is cos(b - a). */
function atAngle(degrees: number): number[] {
  const radians = (degrees * Math.PI) / 180
  return [Math.cos(radians), Math.sin(radians)]
}

/** Embeds each text as the vector its table gives; records each request. */
function fakeEmbed(table: Record<string, number[]>): Embed & { requests: Parameters<Embed>[0][] } {
  const requests: Parameters<Embed>[0][] = []
  const embed: Embed = async request => {
    requests.push(request)
    return request.texts.map(text => {
      const vector = table[text]
      if (!vector) throw new Error(`no vector for ${text}`)
      return vector
    })
  }
  return Object.assign(embed, { requests })
}

// cos(0) = 1, cos(30°) ≈ 0.87, cos(45°) ≈ 0.71, cos(90°) = 0.
const TABLE = {
  'the output': atAngle(0),
  close: atAngle(30),
  middling: atAngle(45),
  far: atAngle(90),
  'hello Ada': atAngle(30)
}

function context(overrides: Partial<AssertionContext> = {}): AssertionContext {
  return contextFor('the output', { embed: fakeEmbed(TABLE), ...overrides })
}

function spec(fields: Partial<AssertionSpec> = {}): AssertionSpec {
  return { type: 'similar', value: 'close', ...fields }
}

async function rejection(promise: unknown): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('cosineSimilarity', () => {
  it('is 1 for the same direction, 0 for orthogonal, -1 for opposite, whatever the length', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1)
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0)
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1)
  })

  it('is 0 against a zero vector and refuses vectors of different lengths', () => {
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0)
    expect(() => cosineSimilarity([1], [1, 2])).toThrow('different lengths (1 and 2)')
  })
})

describe('similar', () => {
  it('is registered, so "similar" and "not-similar" resolve', () => {
    expect(knownAssertionTypes()).toContain('similar')
    expect(knownAssertionTypes()).toContain('llm-rubric')
  })

  it('embeds the output and the value in one request and scores their cosine similarity', async () => {
    const embed = fakeEmbed(TABLE)
    const outcome = await similar(spec(), context({ embed }))
    expect(embed.requests).toEqual([{ texts: ['the output', 'close'], provider: undefined }])
    expect(outcome.pass).toBe(true)
    expect(outcome.score).toBeCloseTo(Math.cos(Math.PI / 6))
    expect(outcome.reason).toBe('similarity 0.87 is at least threshold 0.75')
  })

  it('fails below the default threshold of 0.75', async () => {
    expect(DEFAULT_SIMILARITY_THRESHOLD).toBe(0.75)
    const outcome = await similar(spec({ value: 'middling' }), context())
    expect(outcome.pass).toBe(false)
    expect(outcome.score).toBeCloseTo(Math.SQRT1_2)
    expect(outcome.reason).toBe('similarity 0.71 is less than threshold 0.75')
  })

  it('uses the threshold the assertion sets', async () => {
    expect((await similar(spec({ value: 'middling', threshold: 0.7 }), context())).pass).toBe(true)
    expect((await similar(spec({ value: 'close', threshold: 0.9 }), context())).pass).toBe(false)
  })

  it('templates the value with the case vars', async () => {
    const embed = fakeEmbed(TABLE)
    await similar(spec({ value: 'hello {{name}}' }), context({ embed, vars: { name: 'Ada' } }))
    expect(embed.requests[0]?.texts).toEqual(['the output', 'hello Ada'])
  })

  it('scores a list of values by the closest one', async () => {
    const outcome = await similar(spec({ value: ['far', 'close', 'middling'] }), context())
    expect(outcome.pass).toBe(true)
    expect(outcome.score).toBeCloseTo(Math.cos(Math.PI / 6))
    expect(outcome.reason).toContain('(closest: "close")')
  })

  it('asks the provider the assertion names', async () => {
    const embed = fakeEmbed(TABLE)
    await similar(spec({ provider: 'openai:text-embedding-3-small' }), context({ embed }))
    expect(embed.requests[0]?.provider).toEqual({ id: 'openai:text-embedding-3-small' })
  })

  it('scores an empty output 0 without asking for embeddings', async () => {
    const embed = fakeEmbed({})
    const outcome = await similar(spec(), context({ embed, output: '  ' }))
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(embed.requests).toEqual([])
  })

  it('clamps a negative similarity to a score of 0', async () => {
    const embed = fakeEmbed({ 'the output': [1, 0], opposite: [-1, 0] })
    const outcome = await similar(spec({ value: 'opposite' }), context({ embed }))
    expect(outcome.score).toBe(0)
    expect(outcome.reason).toContain('similarity -1.00')
  })

  it('without embeddings, says which provider to set, naming the file', async () => {
    const error = await rejection(similar(spec(), context({ embed: undefined })))
    expect(isUserError(error)).toBe(true)
    const message = errorMessage(error)
    expect(message).toMatch(/^prompts\/a\.prompt\.yml: /)
    expect(message).toContain('"provider:" on the assertion')
    expect(message).toContain('"grader"')
    expect(message).toContain('OpenAI-compatible')
  })

  it('needs a non-empty string value or list of them', async () => {
    for (const value of [undefined, '', [], ['ok', 3], { text: 'x' }]) {
      const error = await rejection(similar(spec({ value }), context()))
      expect(isUserError(error)).toBe(true)
      expect(errorMessage(error)).toContain('"similar" assertion needs a non-empty string value, or a list')
    }
  })
})

describe('similar and not-similar through the registry', () => {
  it('applies the default threshold itself, for similar and not-similar alike', async () => {
    const near = await runAssertion(spec({ value: 'middling' }), context())
    expect(near.pass).toBe(false)
    const notNear = await runAssertion(spec({ type: 'not-similar', value: 'middling' }), context())
    expect(notNear.pass).toBe(true)
    expect(notNear.score).toBeCloseTo(1 - Math.SQRT1_2)
  })

  it('not-similar with a list fails when any value is close', async () => {
    const result = await runAssertion(spec({ type: 'not-similar', value: ['far', 'close'] }), context())
    expect(result.pass).toBe(false)
    expect((await runAssertion(spec({ type: 'not-similar', value: ['far'] }), context())).pass).toBe(true)
  })

  it('applies a set threshold once, as a minimum similarity', async () => {
    const result = await runAssertion(spec({ value: 'middling', threshold: 0.7 }), context())
    expect(result.pass).toBe(true)
    const negated = await runAssertion(
      spec({ type: 'not-similar', value: 'middling', threshold: 0.7 }),
      context()
    )
    expect(negated.pass).toBe(false)
  })
})
