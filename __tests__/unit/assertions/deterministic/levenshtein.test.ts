import { describe, expect, it } from '@jest/globals'
import { editDistance } from '../../../../src/assertions/deterministic/levenshtein.js'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('sitting', 'kitten')).toBe(3)
    expect(editDistance('flaw', 'lawn')).toBe(2)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('abc', '')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })

  it('counts UTF-16 code units, as promptfoo does', () => {
    expect(editDistance('👍 done', 'done')).toBe(3)
    expect(editDistance('café', 'cafe')).toBe(1)
  })
})

describe('levenshtein', () => {
  it('passes up to 5 edits by default', async () => {
    expect(await check({ type: 'levenshtein', value: 'abcdefghij' }, 'abcdefghij')).toMatchObject({
      pass: true,
      score: 1
    })
    expect((await check({ type: 'levenshtein', value: 'abcdefghij' }, 'abcdeFGHIJ')).pass).toBe(true)
    const six = await check({ type: 'levenshtein', value: 'abcdefghij' }, 'abcdEFGHIJ')
    expect(six).toMatchObject({ pass: false, score: 0 })
    expect(six.reason).toContain('distance 6 is greater than threshold 5')
  })

  it('reads threshold as the largest distance that passes, 0 included', async () => {
    expect((await check({ type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting')).pass).toBe(true)
    expect((await check({ type: 'levenshtein', value: 'kitten', threshold: 2 }, 'sitting')).pass).toBe(false)
    expect((await check({ type: 'levenshtein', value: 'exact', threshold: 0 }, 'exact')).pass).toBe(true)
    expect((await check({ type: 'levenshtein', value: 'exact', threshold: 0 }, 'Exact')).pass).toBe(false)
  })

  it('templates the value and accepts an empty one', async () => {
    const spec = { type: 'levenshtein', value: '{{answer}}', threshold: 1 }
    expect((await check(spec, 'Pari', { vars: { answer: 'Paris' } })).pass).toBe(true)
    expect((await check({ type: 'levenshtein', value: '' }, '')).pass).toBe(true)
  })

  it('needs a string value and a numeric threshold', async () => {
    await expect(check({ type: 'levenshtein', value: 3 }, '3')).rejects.toThrow(UserError)
    await expect(check({ type: 'levenshtein', value: 'a', threshold: 'two' as never }, 'a')).rejects.toThrow(
      /numeric threshold: the most edits that pass/
    )
  })
})
