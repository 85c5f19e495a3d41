import { describe, expect, it } from '@jest/globals'
import { countWords } from '../../../../src/assertions/deterministic/word-count.js'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('countWords', () => {
  it('counts runs of non-whitespace', () => {
    expect(countWords('one  two\nthree\t')).toBe(3)
    expect(countWords('')).toBe(0)
    expect(countWords('   ')).toBe(0)
    expect(countWords('naïve café — 日本語')).toBe(4)
  })
})

describe('word-count', () => {
  it('checks an exact count, given as a number or numeric text', async () => {
    expect(await check({ type: 'word-count', value: 3 }, 'one two three')).toMatchObject({
      pass: true,
      score: 1
    })
    expect(await check({ type: 'word-count', value: '3' }, 'one two')).toMatchObject({
      pass: false,
      score: 0
    })
    expect((await check({ type: 'word-count', value: '{{n}}' }, 'a b', { vars: { n: 2 } })).pass).toBe(true)
  })

  it('checks inclusive bounds', async () => {
    const spec = { type: 'word-count', value: { min: 2, max: 4 } }
    expect((await check(spec, 'a b')).pass).toBe(true)
    expect((await check(spec, 'a b c d')).pass).toBe(true)
    const long = await check(spec, 'a b c d e')
    expect(long.pass).toBe(false)
    expect(long.reason).toBe('Word count 5 is not between 2 and 4')
  })

  it('takes a lone min or max', async () => {
    expect((await check({ type: 'word-count', value: { max: 2 } }, '')).pass).toBe(true)
    expect((await check({ type: 'word-count', value: { min: 1 } }, '')).pass).toBe(false)
  })

  it('rejects values it cannot read', async () => {
    for (const value of [undefined, 'many', [1, 2], {}, { min: 5, max: 2 }, { min: 'few' }]) {
      await expect(check({ type: 'word-count', value }, 'x')).rejects.toThrow(UserError)
    }
  })
})
