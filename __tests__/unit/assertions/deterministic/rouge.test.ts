import { describe, expect, it } from '@jest/globals'
import { rougeScore } from '../../../../src/assertions/deterministic/rouge.js'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('rougeScore', () => {
  it('is the F1 of clipped unigram overlap', () => {
    // 5 of 6 candidate tokens (the, cat, sat, on, mat; not "a" or ".") against 6 reference tokens.
    expect(rougeScore('the cat sat on a mat.', 'the cat sat on the mat', 1)).toBeCloseTo(10 / 13, 12)
    expect(rougeScore('the the the the', 'the cat', 1)).toBeCloseTo(1 / 3, 12)
  })

  it('is 1 for identical text, even with repeated words, and 0 without overlap', () => {
    expect(rougeScore('the cat and the hat', 'the cat and the hat', 1)).toBe(1)
    expect(rougeScore('alpha beta', 'gamma delta', 1)).toBe(0)
  })

  it('is 0 when either side has no tokens', () => {
    expect(rougeScore('', 'reference', 1)).toBe(0)
    expect(rougeScore('candidate', '  ', 1)).toBe(0)
  })

  it('supports higher orders', () => {
    expect(rougeScore('a b c', 'a b d', 2)).toBeCloseTo(0.5, 12)
  })
})

describe('rouge-n', () => {
  it('ignores case and passes at 0.75 by default', async () => {
    expect(await check({ type: 'rouge-n', value: 'THE CAT SAT' }, 'the cat sat')).toMatchObject({
      pass: true,
      score: 1
    })
    // 3 of 4 tokens each way: F1 = 0.75, exactly the default threshold.
    expect(await check({ type: 'rouge-n', value: 'a b c d' }, 'a b c e')).toMatchObject({
      pass: true,
      score: 0.75
    })
    const below = await check({ type: 'rouge-n', value: 'a b c d e' }, 'a b c x y')
    expect(below).toMatchObject({ pass: false, score: 0.6 })
    expect(below.reason).toContain('less than threshold 0.75')
  })

  it('uses the threshold given as the minimum score', async () => {
    expect((await check({ type: 'rouge-n', value: 'a b c d e', threshold: 0.6 }, 'a b c x y')).pass).toBe(
      true
    )
    expect((await check({ type: 'rouge-n', value: 'a b c d', threshold: 0.9 }, 'a b c e')).pass).toBe(false)
  })

  it('scores an empty output 0 and templates the value', async () => {
    expect(await check({ type: 'rouge-n', value: 'some text' }, '')).toMatchObject({ pass: false, score: 0 })
    const spec = { type: 'rouge-n', value: 'capital is {{city}}' }
    expect((await check(spec, 'The capital is Paris', { vars: { city: 'Paris' } })).score).toBeCloseTo(
      6 / 7,
      12
    )
  })

  it('needs a string value', async () => {
    await expect(check({ type: 'rouge-n', value: ['a', 'b'] }, 'a')).rejects.toThrow(UserError)
  })
})
