import { describe, expect, it } from '@jest/globals'
import { compareResults } from '../../../src/compare/compare.js'
import type { ThresholdSet } from '../../../src/compare/types.js'
import {
  manyCases,
  promptResults,
  evalResults,
  repeatedPromptResults,
  runs,
  type CaseSpec
} from '../report/fixtures.js'

const FAIL = { output: 'wrong', pass: false }

/** `total` cases: `worse` pass on base and fail on head, `better` the reverse, the rest pass on both. */
function passFail(total: number, worse: number, better: number): CaseSpec[] {
  return manyCases(total, index => {
    if (index < worse) return { base: 'right', head: FAIL }
    if (index < worse + better) return { base: FAIL, head: 'right' }
    return { base: 'right', head: 'right' }
  })
}

function compare(cases: CaseSpec[], thresholds: ThresholdSet) {
  const comparison = compareResults(evalResults([promptResults('a.md', cases, { thresholds })]))
  return { verdict: comparison.verdict, passRate: comparison.prompts[0]!.metrics[0]! }
}

const SIGNIFICANT_DROP = { pass_rate: { max_drop: 0, significance: 0.05 } }

describe('gating a pass-rate drop on significance', () => {
  it('fails on a drop McNemar calls significant: 5 of 10 cases pass → fail, none the reverse', () => {
    const { verdict, passRate } = compare(passFail(10, 5, 0), SIGNIFICANT_DROP)
    expect(verdict).toBe('regressed')
    expect(passRate).toMatchObject({
      status: 'broken',
      // one-sided p = P(X ≥ 5), X ~ Bin(5, 1/2) = 2^-5
      pValue: 1 / 32,
      test: 'mcnemar',
      samples: 10,
      discordant: { worse: 5, better: 0 },
      underpowered: false,
      reason: 'dropped 0.50 (allowed 0.00), p = 0.031 < 0.05'
    })
  })

  it('passes a drop that could be noise, and says so', () => {
    // 2 worse, 0 better: p = 2^-2
    const { verdict, passRate } = compare(passFail(10, 2, 0), SIGNIFICANT_DROP)
    expect(verdict).toBe('pass')
    expect(passRate).toMatchObject({
      status: 'met',
      pValue: 0.25,
      reason: 'dropped 0.20 (allowed 0.00), p = 0.25 ≥ 0.05: not significant'
    })
  })

  it('counts improvements against regressions: 6 worse and 1 better of 20', () => {
    // P(X ≥ 6), X ~ Bin(7, 1/2) = (C(7,6) + C(7,7)) / 128 = 8/128
    const { verdict, passRate } = compare(passFail(20, 6, 1), SIGNIFICANT_DROP)
    expect(passRate.pValue).toBeCloseTo(8 / 128, 14)
    expect(passRate.delta).toBeCloseTo(-0.25, 12)
    expect(passRate.status).toBe('met')
    expect(verdict).toBe('pass')
  })

  it('still fails the same drop without significance, and adds no statistics', () => {
    const { verdict, passRate } = compare(passFail(10, 2, 0), { pass_rate: { max_drop: 0 } })
    expect(verdict).toBe('regressed')
    expect(passRate.reason).toBe('dropped 0.20 (allowed 0.00)')
    for (const field of ['pValue', 'samples', 'interval', 'test', 'underpowered'] as const) {
      expect(passRate[field]).toBeUndefined()
    }
  })

  it('gives the 95% Wilson interval of the head pass rate', () => {
    // head passes 5 of 10: [0.2366, 0.7634]
    const { passRate } = compare(passFail(10, 5, 0), SIGNIFICANT_DROP)
    expect(passRate.interval!.low).toBeCloseTo(0.2366, 4)
    expect(passRate.interval!.high).toBeCloseTo(0.7634, 4)
  })
})

describe('underpowered thresholds', () => {
  it('warns when even every case failing could not be significant, and then cannot fail', () => {
    // 4 cases all pass → fail: p = 2^-4 = 0.0625, the smallest 4 cases can give
    const { verdict, passRate } = compare(passFail(4, 4, 0), SIGNIFICANT_DROP)
    expect(passRate).toMatchObject({
      underpowered: true,
      underpoweredReason: 'too few cases (4) to detect any drop at p < 0.05; at least 5 needed',
      status: 'met',
      pValue: 0.0625
    })
    expect(verdict).toBe('pass')
  })

  it('is not underpowered from 5 cases for any drop at 0.05', () => {
    expect(compare(passFail(5, 0, 0), SIGNIFICANT_DROP).passRate.underpowered).toBe(false)
  })

  it('judges a max_drop by the flips that drop takes', () => {
    // max_drop 0.05 of 40 cases is 2 flips: at best p = 2^-2 = 0.25
    const thresholds = { pass_rate: { max_drop: 0.05, significance: 0.05 } }
    expect(compare(passFail(40, 0, 0), thresholds).passRate).toMatchObject({
      underpowered: true,
      underpoweredReason: 'too few cases (40) to detect a drop of 0.05 at p < 0.05; at least 81 needed'
    })
    expect(compare(passFail(100, 0, 0), thresholds).passRate.underpowered).toBe(false)
  })
})

describe('significance for scores and repeats', () => {
  it('tests a score metric with the sign test on per-case scores', () => {
    const scored = (base: number, head: number): CaseSpec => ({
      base: { output: 'a', metric: 'levenshtein', score: base },
      head: { output: 'b', metric: 'levenshtein', score: head }
    })
    const cases = [scored(0.9, 0.8), scored(0.9, 0.7), scored(0.8, 0.6), scored(0.7, 0.7), scored(0.9, 0.85)]
    const thresholds = { '*': { max_drop: 0.05, significance: 0.05 } }
    const comparison = compareResults(evalResults([promptResults('a.md', cases, { thresholds })]))
    const levenshtein = comparison.prompts[0]!.metrics.find(metric => metric.metric === 'levenshtein')!
    // 4 worse, 1 tie: p = 2^-4
    expect(levenshtein).toMatchObject({
      test: 'sign',
      samples: 5,
      discordant: { worse: 4, better: 0 },
      pValue: 0.0625,
      status: 'met'
    })
    expect(levenshtein.interval).toBeUndefined()
    // Scores are continuous: 5 cases could all get worse, 2^-5 < 0.05.
    expect(levenshtein.underpowered).toBe(false)
  })

  it('tests per-case pass rates over repeats and reports the runs', () => {
    // 6 cases go from 3/3 to 2/3; one case goes from 2/3 to 3/3: P(X ≥ 6), X ~ Bin(7, 1/2) = 8/128
    const cases = [
      ...Array.from({ length: 6 }, () => ({ base: runs(3, 3), head: runs(3, 2) })),
      { base: runs(3, 2), head: runs(3, 3) }
    ]
    const results = repeatedPromptResults('a.md', cases, { thresholds: SIGNIFICANT_DROP })
    const [prompt] = compareResults(evalResults([results])).prompts
    expect(prompt!.repeats).toBe(3)
    expect(prompt!.metrics[0]).toMatchObject({
      test: 'sign',
      samples: 7,
      discordant: { worse: 6, better: 1 },
      status: 'met',
      underpowered: false
    })
    expect(prompt!.metrics[0]!.pValue).toBeCloseTo(8 / 128, 14)
  })

  it('computes statistics with repeats even without significance, but never gates on them', () => {
    const cases = Array.from({ length: 2 }, () => ({ base: runs(2, 2), head: runs(2, 1) }))
    const results = repeatedPromptResults('a.md', cases, { thresholds: { pass_rate: { max_drop: 0 } } })
    const { prompts, verdict } = compareResults(evalResults([results]))
    expect(verdict).toBe('regressed')
    expect(prompts[0]!.metrics[0]).toMatchObject({ status: 'broken', pValue: 0.25, samples: 2 })
    expect(prompts[0]!.metrics[0]!.underpowered).toBeUndefined()
  })

  it('gives an added prompt an interval but no test', () => {
    const added = promptResults('new.md', passFail(4, 0, 0), {
      status: 'added',
      thresholds: SIGNIFICANT_DROP
    })
    const [prompt] = compareResults(evalResults([added])).prompts
    const passRate = prompt!.metrics[0]!
    expect(passRate.status).toBe('no-baseline')
    expect(passRate.pValue).toBeUndefined()
    // 4 of 4: n / (n + z²) = 4 / (4 + 1.96²) = 0.5101
    expect(passRate.interval).toEqual({ low: expect.closeTo(0.5101, 4), high: 1 })
  })

  it('never tests call metrics', () => {
    const cases = manyCases(6, () => ({
      base: { output: 'a', latencyMs: 100 },
      head: { output: 'a', latencyMs: 900 }
    }))
    const thresholds = { latency_ms: { max_increase: 100, significance: 0.05 } }
    const [prompt] = compareResults(evalResults([promptResults('a.md', cases, { thresholds })])).prompts
    const latency = prompt!.metrics.find(metric => metric.metric === 'latency_ms')!
    expect(latency.status).toBe('broken')
    expect(latency.pValue).toBeUndefined()
  })
})
