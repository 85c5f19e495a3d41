import type { CaseResult } from '../eval/types.js'
import { groupByCase, summarizeSamples } from './samples.js'

export const PASS_RATE = 'pass_rate'

/**
 * Metrics measured on the calls rather than by assertions. They are compared only when a
 * threshold names them (never through `'*'`), since a lower value is the better one.
 */
export const CALL_METRICS = ['latency_ms', 'cost_usd', 'tokens'] as const
export type CallMetric = (typeof CALL_METRICS)[number]

export function isCallMetric(metric: string): metric is CallMetric {
  return (CALL_METRICS as readonly string[]).includes(metric)
}

export { casePassed } from './samples.js'

function mean(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

/** One run's score per assertion metric: several assertions under one metric are averaged. */
function runScores(result: CaseResult): Map<string, number> {
  const scores = new Map<string, number[]>()
  for (const assertion of result.assertions) {
    const list = scores.get(assertion.metric) ?? []
    list.push(assertion.score)
    scores.set(assertion.metric, list)
  }
  return new Map([...scores].map(([metric, values]) => [metric, mean(values) ?? 0]))
}

/**
 * Each case's value per metric (metric → case id → value): `pass_rate` is the share of the
 * case's runs that pass (errors count as failures); an assertion metric is its mean score over
 * the runs that have it. Metrics appear in the order they are first met, `pass_rate` first.
 */
export function caseMetrics(results: readonly CaseResult[]): Map<string, Map<string, number>> {
  const metrics = new Map<string, Map<string, number>>()
  if (results.length === 0) return metrics
  const groups = groupByCase(results)
  const passRates = new Map<string, number>()
  for (const [caseId, runs] of groups) passRates.set(caseId, summarizeSamples(runs).passRate)
  metrics.set(PASS_RATE, passRates)
  const scores = new Map<string, Map<string, number[]>>()
  for (const [caseId, runs] of groups) {
    for (const run of runs) {
      for (const [metric, score] of runScores(run)) {
        if (metric === PASS_RATE) continue
        const byCase = scores.get(metric) ?? new Map<string, number[]>()
        byCase.set(caseId, [...(byCase.get(caseId) ?? []), score])
        scores.set(metric, byCase)
      }
    }
  }
  for (const [metric, byCase] of scores) {
    metrics.set(metric, new Map([...byCase].map(([caseId, values]) => [caseId, mean(values) ?? 0])))
  }
  return metrics
}

/**
 * One side's metrics: the mean over cases of each case's value (see `caseMetrics`), so with one
 * run per case `pass_rate` is the share of passing cases; cases without a metric are skipped.
 */
export function aggregateMetrics(results: readonly CaseResult[]): Map<string, number> {
  const metrics = new Map<string, number>()
  for (const [metric, byCase] of caseMetrics(results)) metrics.set(metric, mean([...byCase.values()]) ?? 0)
  return metrics
}

export function callMetric(metric: CallMetric, results: CaseResult[]): number | undefined {
  const answered = results.filter(result => result.call.error === undefined)
  switch (metric) {
    case 'latency_ms':
      return mean(answered.map(result => result.call.latencyMs))
    case 'cost_usd':
      return mean(answered.flatMap(result => (result.call.cost === undefined ? [] : [result.call.cost])))
    case 'tokens':
      return mean(answered.flatMap(result => (result.call.tokens ? [result.call.tokens.total] : [])))
  }
}
