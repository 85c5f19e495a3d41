import type { CaseResult } from '../eval/types.js'

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

/** A case passes only when its assertions pass and its call did not fail. */
export function casePassed(result: CaseResult): boolean {
  return result.pass && result.call.error === undefined
}

function mean(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

/** Mean assertion score per metric name, in the order metrics first appear. */
function assertionMetrics(results: CaseResult[]): Map<string, number> {
  const scores = new Map<string, number[]>()
  for (const result of results) {
    // Within a case, several assertions may report under one metric: average them first.
    const perCase = new Map<string, number[]>()
    for (const assertion of result.assertions) {
      const list = perCase.get(assertion.metric) ?? []
      list.push(assertion.score)
      perCase.set(assertion.metric, list)
    }
    for (const [metric, values] of perCase) {
      const list = scores.get(metric) ?? []
      list.push(mean(values) ?? 0)
      scores.set(metric, list)
    }
  }
  const means = new Map<string, number>()
  for (const [metric, values] of scores) means.set(metric, mean(values) ?? 0)
  return means
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

/**
 * One side's metrics: `pass_rate` (errors count as failures) and the mean score of every
 * assertion metric (cases without that metric are skipped).
 */
export function aggregateMetrics(results: CaseResult[]): Map<string, number> {
  const metrics = new Map<string, number>()
  if (results.length === 0) return metrics
  metrics.set(PASS_RATE, results.filter(casePassed).length / results.length)
  for (const [metric, value] of assertionMetrics(results)) {
    if (metric !== PASS_RATE) metrics.set(metric, value)
  }
  return metrics
}
