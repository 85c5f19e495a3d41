import { describe, expect, it } from '@jest/globals'
import { changedMetrics, compareCase } from '../../../src/compare/cases.js'
import type { TestCase } from '../../../src/datasets/types.js'
import { assertion, caseResult, type Side } from '../report/fixtures.js'

const testCase: TestCase = { id: 'c1', vars: {}, assert: [] }

function change(base: Side | undefined, head: Side | undefined, expectBase = base !== undefined) {
  return compareCase(testCase, {
    base: base === undefined ? undefined : caseResult('c1', base),
    head: head === undefined ? undefined : caseResult('c1', head),
    expectBase,
    expectHead: true
  }).change
}

describe('compareCase', () => {
  it('calls pass to fail a regression and fail to pass an improvement', () => {
    expect(change('a', { output: 'b', pass: false })).toBe('regressed')
    expect(change({ output: 'a', pass: false }, 'b')).toBe('improved')
  })

  it('follows the weighted score when pass does not change', () => {
    expect(change({ output: 'a', score: 0.9 }, { output: 'a', score: 0.7 })).toBe('regressed')
    expect(change({ output: 'a', pass: false, score: 0.1 }, { output: 'b', pass: false, score: 0.4 })).toBe(
      'improved'
    )
  })

  it('ignores score noise', () => {
    expect(change({ output: 'a', score: 0.3 }, { output: 'a', score: 0.1 + 0.2 })).toBe('unchanged')
  })

  it('separates a changed output from an unchanged one', () => {
    expect(change('same', 'same')).toBe('unchanged')
    expect(change('before', 'after')).toBe('changed')
  })

  it('calls a case without a base new', () => {
    expect(change(undefined, 'x', false)).toBe('new')
  })

  it('calls a failed call on either side an error', () => {
    expect(change({ error: 'HTTP 429' }, 'x')).toBe('error')
    expect(change('x', { error: 'timeout' })).toBe('error')
  })

  it('calls a missing result on a side that should have one an error', () => {
    expect(change(undefined, 'x', true)).toBe('error')
  })
})

describe('changedMetrics', () => {
  it('lists metrics whose pass or score differs, or that one side lacks', () => {
    const base = caseResult('1', {
      assertions: [
        assertion('icontains', true),
        assertion('levenshtein', true, 0.9),
        assertion('is-json', true)
      ]
    })
    const head = caseResult('1', {
      assertions: [
        assertion('icontains', false),
        assertion('levenshtein', true, 0.7),
        assertion('latency', true)
      ]
    })
    expect(changedMetrics(base, head)).toEqual(['icontains', 'levenshtein', 'is-json', 'latency'])
  })

  it('is empty when the results match', () => {
    expect(changedMetrics(caseResult('1', 'a'), caseResult('1', 'b'))).toEqual([])
  })
})
