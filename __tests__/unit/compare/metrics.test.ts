import { describe, expect, it } from '@jest/globals'
import { aggregateMetrics, callMetric } from '../../../src/compare/metrics.js'
import { assertion, caseResult } from '../report/fixtures.js'

describe('aggregateMetrics', () => {
  it('counts errored cases as failures in pass_rate', () => {
    const metrics = aggregateMetrics([
      caseResult('1', 'ok'),
      caseResult('2', { output: 'bad', pass: false }),
      caseResult('3', { error: 'timeout' }),
      caseResult('4', 'ok')
    ])
    expect(metrics.get('pass_rate')).toBe(0.5)
  })

  it('never counts a case whose call failed as a pass, even if marked passing', () => {
    const result = caseResult('1', 'ok')
    result.call.error = 'HTTP 500'
    expect(aggregateMetrics([result]).get('pass_rate')).toBe(0)
  })

  it('averages each assertion metric over the cases that have it', () => {
    const metrics = aggregateMetrics([
      caseResult('1', { assertions: [assertion('levenshtein', true, 0.8), assertion('icontains', true)] }),
      caseResult('2', { assertions: [assertion('levenshtein', false, 0.4)] }),
      caseResult('3', { error: 'boom' })
    ])
    expect(metrics.get('levenshtein')).toBeCloseTo(0.6)
    expect(metrics.get('icontains')).toBe(1)
  })

  it('averages assertions sharing a metric within a case before averaging across cases', () => {
    const metrics = aggregateMetrics([
      caseResult('1', { assertions: [assertion('quality', true, 1), assertion('quality', false, 0)] }),
      caseResult('2', { assertions: [assertion('quality', true, 1)] })
    ])
    expect(metrics.get('quality')).toBe(0.75)
  })

  it('has no metrics without results', () => {
    expect(aggregateMetrics([]).size).toBe(0)
  })
})

describe('callMetric', () => {
  it('averages latency, cost and tokens over answered calls', () => {
    const results = [
      caseResult('1', { output: 'a', latencyMs: 100, cost: 0.002, tokens: 50 }),
      caseResult('2', { output: 'b', latencyMs: 300, tokens: 150 }),
      caseResult('3', { error: 'timeout', latencyMs: 30_000 })
    ]
    expect(callMetric('latency_ms', results)).toBe(200)
    expect(callMetric('cost_usd', results)).toBe(0.002)
    expect(callMetric('tokens', results)).toBe(100)
  })
})
