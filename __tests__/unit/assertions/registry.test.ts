import { describe, expect, it } from '@jest/globals'
import {
  isModelGraded,
  knownAssertionTypes,
  runAssertion,
  runAssertions
} from '../../../src/assertions/index.js'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import { errorMessage, UserError } from '../../../src/errors.js'
import { contextFor, fakeJudge } from './fake-judge.js'

const contains = (value: string, extra: Partial<AssertionSpec> = {}): AssertionSpec => ({
  type: 'gh-string',
  operator: 'contains',
  value,
  ...extra
})

const SCALE = [
  { choice: 'low', score: 0 },
  { choice: 'mid', score: 0.6 },
  { choice: 'high', score: 1 }
]

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('runAssertion', () => {
  it('reports the type as the metric and a weight of 1 by default', async () => {
    expect(await runAssertion(contains('sky'), contextFor('The sky'))).toEqual({
      pass: true,
      score: 1,
      reason: 'the output does contain "sky"',
      metric: 'gh-string',
      type: 'gh-string',
      weight: 1
    })
  })

  it('keeps a given metric and weight', async () => {
    const result = await runAssertion(
      contains('sky', { metric: 'mentions sky', weight: 2.5 }),
      contextFor('sky')
    )
    expect(result).toMatchObject({ metric: 'mentions sky', weight: 2.5 })
  })

  it('accepts a weight of 0 and rejects a negative or non-numeric weight', async () => {
    expect((await runAssertion(contains('a', { weight: 0 }), contextFor('a'))).weight).toBe(0)
    const negative = await rejection(runAssertion(contains('a', { weight: -1 }), contextFor('a')))
    expect(errorMessage(negative)).toBe(
      'prompts/a.prompt.yml: assertion gh-string: "weight" must be a number of 0 or more, not -1'
    )
    const text = await rejection(
      runAssertion(contains('a', { weight: 'heavy' as unknown as number }), contextFor('a'))
    )
    expect(errorMessage(text)).toContain('"weight" must be a number of 0 or more, not "heavy"')
  })

  describe('the not- prefix', () => {
    it('inverts pass and score and keeps the full type as type and metric', async () => {
      const result = await runAssertion(contains('sky', { type: 'not-gh-string' }), contextFor('The sky'))
      expect(result).toEqual({
        pass: false,
        score: 0,
        reason: 'the output does contain "sky"',
        metric: 'not-gh-string',
        type: 'not-gh-string',
        weight: 1
      })
      const absent = await runAssertion(contains('sea', { type: 'not-gh-string' }), contextFor('The sky'))
      expect(absent).toMatchObject({ pass: true, score: 1 })
    })

    it('turns a partial score into its complement', async () => {
      const spec: AssertionSpec = {
        type: 'not-llm-choice',
        prompt: '{{completion}}',
        choices: SCALE,
        match: 'word'
      }
      const result = await runAssertion(spec, contextFor('x', { judge: fakeJudge('mid') }))
      expect(result.pass).toBe(true)
      expect(result.score).toBeCloseTo(0.4)
    })
  })

  describe('threshold', () => {
    const judged = (threshold?: number): AssertionSpec => ({
      type: 'llm-choice',
      prompt: '{{completion}}',
      choices: SCALE,
      ...(threshold !== undefined ? { threshold } : {})
    })

    it('without one, an llm-choice passes above 0 as in gh models eval, or only on the top choice with match: word', async () => {
      expect(await runAssertion(judged(), contextFor('x', { judge: fakeJudge('mid') }))).toMatchObject({
        pass: true,
        score: 0.6
      })
      const strict = { ...judged(), match: 'word' }
      expect(await runAssertion(strict, contextFor('x', { judge: fakeJudge('mid') }))).toMatchObject({
        pass: false,
        score: 0.6
      })
    })

    it('with one, passes when the score reaches it', async () => {
      expect((await runAssertion(judged(0.5), contextFor('x', { judge: fakeJudge('mid') }))).pass).toBe(true)
      expect((await runAssertion(judged(0.7), contextFor('x', { judge: fakeJudge('mid') }))).pass).toBe(false)
      expect((await runAssertion(judged(0.6), contextFor('x', { judge: fakeJudge('mid') }))).pass).toBe(true)
    })

    it('is applied before not- inverts the result', async () => {
      const spec = { ...judged(0.5), type: 'not-llm-choice' }
      const result = await runAssertion(spec, contextFor('x', { judge: fakeJudge('mid') }))
      expect(result.pass).toBe(false)
      expect(result.score).toBeCloseTo(0.4)
    })

    it('must be a number', async () => {
      const error = await rejection(
        runAssertion(
          { ...judged(), threshold: 'high' as unknown as number },
          contextFor('x', { judge: fakeJudge('mid') })
        )
      )
      expect(errorMessage(error)).toContain('"threshold" must be a number between 0 and 1, not "high"')
    })
  })

  describe('unknown types', () => {
    it('suggests the closest known type and lists them all', async () => {
      const error = await rejection(runAssertion({ type: 'gh-strng' }, contextFor('x')))
      expect(error).toBeInstanceOf(UserError)
      expect(errorMessage(error)).toBe(
        `prompts/a.prompt.yml: unknown assertion type "gh-strng"; did you mean "gh-string"? Known types: ` +
          `${knownAssertionTypes().join(', ')} (each also as not-<type>)`
      )
    })

    it('suggests a negated type for a misspelled negation', async () => {
      const error = await rejection(runAssertion({ type: 'not-llm-choise' }, contextFor('x')))
      expect(errorMessage(error)).toContain('did you mean "not-llm-choice"?')
    })

    it('lists the known types when nothing is close', async () => {
      const error = await rejection(runAssertion({ type: 'sentiment-analysis' }, contextFor('x')))
      expect(errorMessage(error)).toMatch(
        /unknown assertion type "sentiment-analysis"; known types: .*gh-string/
      )
    })

    it('rejects a missing type', async () => {
      const error = await rejection(runAssertion({} as AssertionSpec, contextFor('x')))
      expect(errorMessage(error)).toMatch(
        /^prompts\/a\.prompt\.yml: an assertion needs a "type"; known types: /
      )
    })

    it('does not treat not- alone or an unknown negation as a type', async () => {
      expect(errorMessage(await rejection(runAssertion({ type: 'not-' }, contextFor('x'))))).toContain(
        'unknown assertion type "not-"'
      )
    })
  })

  it('knows its own types and the deterministic ones', () => {
    expect(knownAssertionTypes()).toEqual(expect.arrayContaining(['gh-string', 'llm-choice']))
    expect(knownAssertionTypes()).toEqual([...knownAssertionTypes()].sort())
  })
})

describe('runAssertions', () => {
  it('returns one result per spec, in order', async () => {
    const judge = fakeJudge(prompt => (prompt.includes('calm') ? 'high' : 'low'))
    const results = await runAssertions(
      [
        contains('calm', { metric: 'first' }),
        { type: 'llm-choice', prompt: 'Rate: {{completion}}', choices: SCALE, metric: 'second' },
        contains('storm', { type: 'not-gh-string', metric: 'third', weight: 3 })
      ],
      contextFor('a calm sea', { judge })
    )
    expect(results.map(({ metric, pass, score, weight }) => ({ metric, pass, score, weight }))).toEqual([
      { metric: 'first', pass: true, score: 1, weight: 1 },
      { metric: 'second', pass: true, score: 1, weight: 1 },
      { metric: 'third', pass: true, score: 1, weight: 3 }
    ])
  })

  it('returns nothing for no specs', async () => {
    expect(await runAssertions([], contextFor('x'))).toEqual([])
  })

  it('rejects when one assertion is invalid', async () => {
    await expect(runAssertions([contains('a'), { type: 'nope' }], contextFor('a'))).rejects.toThrow(
      'unknown assertion type "nope"'
    )
  })
})

describe('gh-unknown-evaluator', () => {
  it('fails with score 0 and a reason that names the uses: value, without calling a judge, and is not model-graded', async () => {
    const result = await runAssertion(
      { type: 'gh-unknown-evaluator', uses: 'acme/tone', metric: 'tone' },
      contextFor('hi')
    )
    expect(result).toMatchObject({ pass: false, score: 0, metric: 'tone', type: 'gh-unknown-evaluator' })
    expect(result.reason).toContain('"uses: acme/tone" is not a built-in evaluator')
    expect(isModelGraded('gh-unknown-evaluator')).toBe(false)
  })
})
