import { describe, expect, it } from '@jest/globals'
import { changedMetrics } from '../../../src/compare/cases.js'
import { compareResults } from '../../../src/compare/compare.js'
import { aggregateMetrics, caseMetrics } from '../../../src/compare/metrics.js'
import type { CaseResult } from '../../../src/eval/types.js'
import {
  assertion,
  caseResult,
  evalResults,
  promptResults,
  repeatedPromptResults,
  runs,
  type Side
} from '../report/fixtures.js'

function run(caseId: string, repeat: number, side: Side): CaseResult {
  return { ...caseResult(caseId, side), repeat }
}

describe('aggregation over repeats', () => {
  const results = [
    run('a', 0, { output: 'x', assertions: [assertion('levenshtein', true, 0.9)] }),
    run('a', 1, { output: 'y', pass: false, assertions: [assertion('levenshtein', false, 0.6)] }),
    run('a', 2, { output: 'z', assertions: [assertion('levenshtein', true, 0.3)] }),
    run('b', 0, { output: 'w', assertions: [assertion('levenshtein', true, 1)] })
  ]

  it('gives each case its share of passing runs and mean score', () => {
    const byCase = caseMetrics(results)
    expect([...byCase.get('pass_rate')!]).toEqual([
      ['a', 2 / 3],
      ['b', 1]
    ])
    // (0.9 + 0.6 + 0.3) / 3
    expect(byCase.get('levenshtein')!.get('a')).toBeCloseTo(0.6, 12)
  })

  it('averages per case, so a case with more runs does not weigh more', () => {
    const metrics = aggregateMetrics(results)
    // (2/3 + 1) / 2, not the 3 of 4 passing runs
    expect(metrics.get('pass_rate')).toBeCloseTo(5 / 6, 12)
    // (0.6 + 1) / 2
    expect(metrics.get('levenshtein')).toBeCloseTo(0.8, 12)
  })

  it('counts a failed call as a failing run', () => {
    const withError = [run('a', 0, 'ok'), run('a', 1, { error: 'timeout' })]
    expect(aggregateMetrics(withError).get('pass_rate')).toBe(0.5)
  })
})

describe('comparing cases over repeats', () => {
  const threeRuns = (base: Side[], head: Side[]) =>
    compareResults(evalResults([repeatedPromptResults('a.md', [{ id: 'c', base, head }])])).prompts[0]!

  it('calls 3 of 3 to 2 of 3 passing a regression, which a majority vote would miss', () => {
    const prompt = threeRuns(runs(3, 3), runs(3, 2))
    expect(prompt.cases[0]!.change).toBe('regressed')
    expect(prompt.metrics[0]).toMatchObject({ metric: 'pass_rate', base: 1 })
    expect(prompt.metrics[0]!.head).toBeCloseTo(2 / 3, 12)
    expect(prompt.repeats).toBe(3)
  })

  it('summarises every run and shows a run that makes the change visible', () => {
    const [comparison] = threeRuns(runs(3, 3), runs(3, 1)).cases
    expect(comparison!.samples!.base).toMatchObject({ passed: 3, passRate: 1, score: 1 })
    expect(comparison!.samples!.head).toMatchObject({ passed: 1, passRate: 1 / 3 })
    expect(comparison!.samples!.head!.results.map(result => result.repeat)).toEqual([0, 1, 2])
    // The head's first failing run, not its first (passing) one.
    expect(comparison!.head).toMatchObject({ repeat: 1, pass: false })
    expect(comparison!.base).toMatchObject({ repeat: 0, pass: true })
  })

  it('shows an improvement with a failing base run and a passing head run', () => {
    const [comparison] = threeRuns(runs(3, 2), runs(3, 3)).cases
    expect(comparison!.change).toBe('improved')
    expect(comparison!.base).toMatchObject({ repeat: 2, pass: false })
  })

  it('follows the mean score when the pass rate holds', () => {
    const scored = (score: number) => ({ output: 'same', score })
    const prompt = threeRuns([scored(1), scored(1)], [scored(1), scored(0.5)])
    expect(prompt.cases[0]!.change).toBe('regressed')
  })

  it('ignores the order of the runs’ outputs', () => {
    const prompt = threeRuns(['one', 'two'], ['two', 'one'])
    expect(prompt.cases[0]!.change).toBe('unchanged')
    expect(threeRuns(['one', 'two'], ['one', 'three']).cases[0]!.change).toBe('changed')
  })

  it('makes a case an error when any run failed to call, and counts each failed call', () => {
    const prompt = threeRuns(runs(3, 3), ['ok', { error: 'HTTP 429' }, { error: 'HTTP 429' }])
    expect(prompt.cases[0]!.change).toBe('error')
    expect(prompt.cases[0]!.head!.call.error).toBe('HTTP 429')
    expect(prompt.errors).toEqual({ base: 0, head: 2 })
  })

  it('lists a metric whose pass rate over the runs changed', () => {
    const runWith = (pass: boolean) => caseResult('c', { assertions: [assertion('icontains', pass)] })
    expect(changedMetrics([runWith(true), runWith(true)], [runWith(true), runWith(false)])).toEqual([
      'icontains'
    ])
    expect(changedMetrics([runWith(true), runWith(false)], [runWith(false), runWith(true)])).toEqual([])
  })

  it('leaves single-run results as they were, with or without repeat: 0', () => {
    const plain = promptResults('a.md', [{ id: 'c', base: 'x', head: { output: 'y', pass: false } }])
    const indexed = {
      ...plain,
      base: plain.base!.map(result => ({ ...result, repeat: 0 })),
      head: plain.head!.map(result => ({ ...result, repeat: 0 }))
    }
    const [before] = compareResults(evalResults([plain])).prompts
    const [after] = compareResults(evalResults([indexed])).prompts
    expect(after!.cases[0]!.samples).toBeUndefined()
    expect(after!.repeats).toBeUndefined()
    expect(after!.metrics).toEqual(before!.metrics)
    expect(after!.metrics[0]!.pValue).toBeUndefined()
  })
})
