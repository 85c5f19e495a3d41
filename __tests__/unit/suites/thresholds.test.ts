import { describe, expect, it } from '@jest/globals'
import type { MetricComparison, PromptComparison } from '../../../src/compare/types.js'
import {
  configuredThresholds,
  DEFAULT_THRESHOLDS,
  unusedThresholdWarnings,
  type ThresholdScope
} from '../../../src/suites/thresholds.js'

describe('configuredThresholds', () => {
  it('uses the defaults when the config has no thresholds', () => {
    expect(configuredThresholds({})).toEqual({ set: DEFAULT_THRESHOLDS, named: [] })
    expect(DEFAULT_THRESHOLDS).toEqual({ pass_rate: { max_drop: 0 }, '*': { max_drop: 0 } })
  })

  it('keeps metric names and bounds, with the line each is named on', () => {
    const configured = configuredThresholds(
      { pass_rate: { min: 0.9, max_drop: 0.02, significance: 0.05 }, levenshtein: { max_drop: 0.05 } },
      { pass_rate: 12, levenshtein: 13 }
    )
    expect(configured.set).toEqual({
      pass_rate: { min: 0.9, max_drop: 0.02, significance: 0.05 },
      levenshtein: { max_drop: 0.05 }
    })
    expect(configured.named).toEqual([
      { name: 'pass_rate', metrics: ['pass_rate'], line: 12 },
      { name: 'levenshtein', metrics: ['levenshtein'], line: 13 }
    ])
  })

  it('maps latency and cost bounds on the calls to latency_ms and cost_usd', () => {
    const configured = configuredThresholds({
      latency: { max_increase: 500, significance: 0.1 },
      cost: { max: 0.01 }
    })
    expect(configured.set).toEqual({
      latency_ms: { max_increase: 500, significance: 0.1 },
      cost_usd: { max: 0.01 }
    })
    expect(configured.named.map(named => named.metrics)).toEqual([['latency_ms'], ['cost_usd']])
  })

  it('leaves score bounds on latency and cost to the assertion metrics of those names, and splits mixed ones', () => {
    const configured = configuredThresholds({
      latency: { max_drop: 0 },
      cost: { min: 0.5, max_increase: 0.002 }
    })
    expect(configured.set).toEqual({
      latency: { max_drop: 0 },
      cost_usd: { max_increase: 0.002 },
      cost: { min: 0.5 }
    })
    expect(configured.named.map(named => named.metrics)).toEqual([['latency'], ['cost_usd', 'cost']])
  })

  it('passes latency_ms, cost_usd, tokens and * through unchanged', () => {
    const set = { latency_ms: { max: 900 }, tokens: { max_increase: 50 }, '*': { max_drop: 0.1 } }
    expect(configuredThresholds(set).set).toEqual(set)
  })
})

function metric(name: string, values: Partial<MetricComparison> = { base: 1, head: 1 }): MetricComparison {
  return { metric: name, status: 'met', ...values }
}

function comparison(
  metrics: MetricComparison[],
  overrides: Partial<PromptComparison> = {}
): PromptComparison {
  return {
    path: 'prompts/a.md',
    status: 'modified',
    suite: 'a',
    reason: 'prompt changed',
    metrics,
    cases: [{ case: { id: '1', vars: {}, assert: [] }, change: 'unchanged', changedMetrics: [] }],
    errors: { base: 0, head: 0 },
    regressed: false,
    ...overrides
  }
}

describe('unusedThresholdWarnings', () => {
  const scope: ThresholdScope = {
    label: 'suite "a"',
    named: [
      { name: 'pass_rate', metrics: ['pass_rate'], line: 5 },
      { name: 'levenstein', metrics: ['levenstein'], line: 6 },
      { name: 'cost', metrics: ['cost_usd'], line: 7 },
      { name: '*', metrics: ['*'], line: 8 }
    ]
  }

  it('warns, with the config line, about each threshold whose metric no prompt of its scope measured', () => {
    const measured = comparison([
      metric('pass_rate'),
      metric('levenshtein'),
      metric('cost_usd', { base: undefined, head: undefined, status: 'broken' })
    ])
    const warnings = unusedThresholdWarnings([{ scope, comparison: measured }], '.github/promptgate.yml')
    expect(warnings).toEqual([
      {
        message:
          'the threshold "levenstein" of suite "a" gates nothing: no evaluated prompt has a metric of that name (the metrics are pass_rate, levenshtein); fix the name or remove the threshold',
        file: '.github/promptgate.yml',
        line: 6
      },
      expect.objectContaining({
        line: 7,
        message: expect.stringMatching(/^the threshold "cost" of suite "a"/)
      })
    ])
  })

  it('counts a metric measured by any prompt of the scope, and ignores removed prompts and other scopes', () => {
    const other: ThresholdScope = {
      label: 'suite "b"',
      named: [{ name: 'bleu', metrics: ['bleu'], line: 20 }]
    }
    const warnings = unusedThresholdWarnings(
      [
        { scope, comparison: comparison([metric('pass_rate'), metric('levenstein')]) },
        { scope, comparison: comparison([metric('cost_usd', { head: 0.001 })]) },
        { scope: other, comparison: comparison([], { status: 'removed', cases: [] }) }
      ],
      'c.yml'
    )
    expect(warnings).toEqual([])
  })
})
