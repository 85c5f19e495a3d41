import { describe, expect, it } from '@jest/globals'
import { assertionFromExpected } from '../../../src/datasets/csv-expected.js'

describe('assertionFromExpected', () => {
  it('reads a bare value as equals', () => {
    expect(assertionFromExpected(' Paris ')).toEqual({ type: 'equals', value: 'Paris' })
    expect(assertionFromExpected('Answer: 42')).toEqual({ type: 'equals', value: 'Answer: 42' })
  })

  it('reads type:value, trimming the value', () => {
    expect(assertionFromExpected('contains: Paris')).toEqual({ type: 'contains', value: 'Paris' })
    expect(assertionFromExpected('regex:^\\d+:\\d+$')).toEqual({ type: 'regex', value: '^\\d+:\\d+$' })
  })

  it('negates with not- and reads a threshold in parentheses', () => {
    expect(assertionFromExpected('not-icontains: sorry')).toEqual({ type: 'not-icontains', value: 'sorry' })
    expect(assertionFromExpected('levenshtein(3): hello')).toEqual({
      type: 'levenshtein',
      value: 'hello',
      threshold: 3
    })
    expect(assertionFromExpected('rouge-n(0.6):a b c')).toEqual({
      type: 'rouge-n',
      value: 'a b c',
      threshold: 0.6
    })
  })

  it('splits the list types on commas', () => {
    expect(assertionFromExpected('contains-all: a, b ,c,')).toEqual({
      type: 'contains-all',
      value: ['a', 'b', 'c']
    })
    expect(assertionFromExpected('not-icontains-any:x')).toEqual({ type: 'not-icontains-any', value: ['x'] })
  })

  it('takes types without a value, and the older spellings', () => {
    expect(assertionFromExpected('is-json')).toEqual({ type: 'is-json' })
    expect(assertionFromExpected('grade: is polite')).toEqual({ type: 'llm-rubric', value: 'is polite' })
    expect(assertionFromExpected('fn: output.length < 10')).toEqual({
      type: 'javascript',
      value: 'output.length < 10'
    })
  })

  it('does not mistake a longer word for a type', () => {
    expect(assertionFromExpected('containsx: y')).toEqual({ type: 'equals', value: 'containsx: y' })
  })
})
