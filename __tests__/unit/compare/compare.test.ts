import { describe, expect, it } from '@jest/globals'
import { compareResults } from '../../../src/compare/compare.js'
import { evalResults, manyCases, promptResults, typicalPrompt } from '../report/fixtures.js'

describe('compareResults', () => {
  it('gates on the pass rate, not on a single case: one regression offset by one improvement passes', () => {
    const comparison = compareResults(evalResults([typicalPrompt()]))
    const [prompt] = comparison.prompts
    expect(comparison.verdict).toBe('pass')
    expect(prompt!.regressed).toBe(false)
    expect(prompt!.metrics[0]).toMatchObject({
      metric: 'pass_rate',
      base: 0.8,
      head: 0.8,
      delta: 0,
      status: 'met'
    })
  })

  it('compares every case and names its change', () => {
    const [prompt] = compareResults(evalResults([typicalPrompt()])).prompts
    expect(prompt!.cases.map(item => [item.case.id, item.change])).toEqual([
      ['refund-fr', 'regressed'],
      ['shipping', 'improved'],
      ['greeting', 'changed'],
      ['same-1', 'unchanged'],
      ['same-2', 'unchanged']
    ])
    expect(prompt!.cases[0]!.changedMetrics).toEqual(['icontains'])
  })

  it('fails the gate when pass_rate drops and passes when it holds', () => {
    const dropping = promptResults('a.md', [
      { base: 'ok', head: { output: 'no', pass: false } },
      { base: 'ok', head: 'ok' }
    ])
    const holding = promptResults('b.md', [{ base: 'ok', head: 'ok!' }])
    const comparison = compareResults(evalResults([dropping, holding]))
    expect(comparison.prompts.map(prompt => prompt.regressed)).toEqual([true, false])
    expect(comparison.prompts[0]!.metrics[0]).toMatchObject({
      base: 1,
      head: 0.5,
      delta: -0.5,
      status: 'broken',
      reason: 'dropped 0.50 (allowed 0.00)'
    })
    expect(comparison.verdict).toBe('regressed')
    expect(compareResults(evalResults([holding])).verdict).toBe('pass')
  })

  it('applies the "*" default to assertion metrics', () => {
    const prompt = promptResults(
      'a.md',
      [
        {
          base: { output: 'a', metric: 'levenshtein', score: 0.9 },
          head: { output: 'b', metric: 'levenshtein', score: 0.5 }
        }
      ],
      { thresholds: { '*': { max_drop: 0.1 }, pass_rate: { max_drop: 0 } } }
    )
    const [comparison] = compareResults(evalResults([prompt])).prompts
    const levenshtein = comparison!.metrics.find(metric => metric.metric === 'levenshtein')
    expect(levenshtein).toMatchObject({ status: 'broken', reason: 'dropped 0.40 (allowed 0.10)' })
  })

  it('gives an added prompt no baseline but still applies min', () => {
    const cases = [{ head: 'ok' }, { head: { output: 'bad', pass: false } }]
    const lenient = promptResults('new.md', cases, {
      status: 'added',
      thresholds: { pass_rate: { max_drop: 0 } }
    })
    const strict = promptResults('new.md', cases, {
      status: 'added',
      thresholds: { pass_rate: { min: 0.9 } }
    })
    const [open] = compareResults(evalResults([lenient])).prompts
    expect(open!.metrics[0]).toMatchObject({
      status: 'no-baseline',
      head: 0.5,
      base: undefined,
      delta: undefined
    })
    expect(open!.cases.map(item => item.change)).toEqual(['new', 'new'])
    expect(compareResults(evalResults([lenient])).verdict).toBe('pass')
    const gated = compareResults(evalResults([strict]))
    expect(gated.prompts[0]!.metrics[0]).toMatchObject({
      status: 'broken',
      reason: '0.50 is below the minimum 0.90'
    })
    expect(gated.verdict).toBe('regressed')
  })

  it('skips when nothing ran, or only removed prompts changed', () => {
    expect(compareResults(evalResults([])).verdict).toBe('skipped')
    const removed = compareResults(evalResults([promptResults('gone.md', [], { status: 'removed' })]))
    expect(removed.verdict).toBe('skipped')
    expect(removed.prompts[0]).toMatchObject({ status: 'removed', metrics: [], cases: [] })
  })

  it('errors when any call failed, even alongside a regression', () => {
    const regressed = promptResults('a.md', [{ base: 'ok', head: { output: 'no', pass: false } }])
    const errored = promptResults('b.md', [{ base: 'ok', head: { error: 'HTTP 401: bad credentials' } }])
    const comparison = compareResults(evalResults([regressed, errored]))
    expect(comparison.verdict).toBe('error')
    expect(comparison.prompts[1]!.errors).toEqual({ base: 0, head: 1 })
  })

  it('allows up to max_errors failed calls before the verdict is error', () => {
    const errored = promptResults('b.md', [
      { base: 'ok', head: { error: 'timeout' } },
      { base: 'ok', head: 'ok' }
    ])
    expect(compareResults(evalResults([errored]), { maxErrors: 1 }).verdict).not.toBe('error')
    expect(compareResults(evalResults([errored]), { maxErrors: 0 }).verdict).toBe('error')
  })

  it('errors when a side is missing results it should have', () => {
    const missing = promptResults('a.md', [{ base: 'ok', head: 'ok' }, { head: 'ok' }])
    const comparison = compareResults(evalResults([missing]))
    expect(comparison.prompts[0]!.errors).toEqual({ base: 1, head: 0 })
    expect(comparison.prompts[0]!.cases[1]!.change).toBe('error')
    expect(comparison.verdict).toBe('error')
  })

  it('gates latency with max_increase only when a threshold names it', () => {
    const cases = manyCases(3, () => ({
      base: { output: 'a', latencyMs: 400 },
      head: { output: 'a', latencyMs: 700 }
    }))
    const named = promptResults('a.md', cases, { thresholds: { latency_ms: { max_increase: 200 } } })
    const unnamed = promptResults('a.md', cases, { thresholds: { '*': { max_drop: 0 } } })
    const [gated] = compareResults(evalResults([named])).prompts
    expect(gated!.metrics.find(metric => metric.metric === 'latency_ms')).toMatchObject({
      base: 400,
      head: 700,
      status: 'broken',
      reason: 'rose 300 (allowed 200)'
    })
    const [free] = compareResults(evalResults([unnamed])).prompts
    expect(free!.metrics.map(metric => metric.metric)).toEqual(['pass_rate', 'icontains'])
  })

  it('totals tokens and cost per side', () => {
    const prompt = promptResults('a.md', [
      { base: { output: 'a', tokens: 100, cost: 0.01 }, head: { output: 'a', tokens: 120, cost: 0.02 } },
      { base: { output: 'b', tokens: 50 }, head: { error: 'timeout' } }
    ])
    const { totals } = compareResults({ prompts: [prompt], calls: 4, durationMs: 900 })
    expect(totals).toEqual({
      calls: 4,
      tokens: { base: 150, head: 120 },
      cost: { base: 0.01, head: 0.02 },
      durationMs: 900
    })
  })
})
