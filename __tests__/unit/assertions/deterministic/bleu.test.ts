import { describe, expect, it } from '@jest/globals'
import { bleuScore } from '../../../../src/assertions/deterministic/bleu.js'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('bleuScore', () => {
  it('is 1 for an identical candidate, whatever the case', () => {
    expect(bleuScore('The Cat Is On The Mat', ['the cat is on the mat'])).toBe(1)
  })

  it('is 0 for an empty or blank candidate', () => {
    expect(bleuScore('', ['the cat'])).toBe(0)
    expect(bleuScore('  \n', ['the cat'])).toBe(0)
  })

  it('leaves out orders the candidate is too short for and applies the brevity penalty', () => {
    // Unigram and bigram precision 1; no 3- or 4-grams; BP = exp(1 - 8/2).
    expect(bleuScore('the cat', ['the cat is sitting on the mat today'])).toBeCloseTo(Math.exp(-3), 12)
  })

  it('counts a zero precision as 1e-7 instead of zeroing the score', () => {
    // Four unigram misses: every order's precision is 0, so the geometric mean is 1e-7.
    expect(bleuScore('one two three four', ['alpha beta gamma delta'])).toBeCloseTo(1e-7, 18)
  })

  it('clips counts and takes the best reference for each order', () => {
    // "the" appears 4 times but the reference has it twice.
    const clipped = bleuScore('the the the the', ['the cat on the mat'])
    expect(clipped).toBeCloseTo(Math.exp(1 - 5 / 4) * Math.exp((Math.log(0.5) + 3 * Math.log(1e-7)) / 4), 12)
    const both = bleuScore('the cat is on a mat', ['the cat is on the mat', 'there is a cat on the mat'])
    expect(both).toBeCloseTo(0.5623413251903491, 12)
  })

  it('measures the brevity penalty against the closest reference length, the shorter on a tie', () => {
    // Candidate of 6 words; references of 5 and 7 words tie, so r = 5 and there is no penalty.
    expect(bleuScore('a b c d e f', ['a b c d e', 'a b c d e f g'])).toBe(1)
  })
})

describe('bleu', () => {
  it('passes at 0.5 by default', async () => {
    expect(
      await check({ type: 'bleu', value: 'the cat is on the mat' }, 'the cat is on the mat')
    ).toMatchObject({
      pass: true,
      score: 1
    })
    const low = await check({ type: 'bleu', value: 'the cat is on the mat' }, 'the cat')
    expect(low.pass).toBe(false)
    expect(low.reason).toContain('less than threshold 0.5')
  })

  it('uses the threshold given and takes a list of references', async () => {
    const spec = {
      type: 'bleu',
      value: ['the cat is on the mat', 'there is a cat on the mat'],
      threshold: 0.56
    }
    expect((await check(spec, 'the cat is on a mat')).pass).toBe(true)
    expect((await check({ ...spec, threshold: 0.57 }, 'the cat is on a mat')).pass).toBe(false)
  })

  it('templates each reference', async () => {
    const spec = { type: 'bleu', value: ['{{a}}', 'unrelated words here'] }
    expect((await check(spec, 'the cat is on the mat', { vars: { a: 'the cat is on the mat' } })).score).toBe(
      1
    )
  })

  it('needs a string or a list of strings', async () => {
    await expect(check({ type: 'bleu', value: [1, 2] }, 'x')).rejects.toThrow(UserError)
    await expect(check({ type: 'bleu', value: [] }, 'x')).rejects.toThrow(UserError)
    await expect(check({ type: 'bleu' }, 'x', { expected: 'x' })).rejects.toThrow(UserError)
  })
})
