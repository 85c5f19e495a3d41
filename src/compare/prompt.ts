import type { CaseResult, PromptResults } from '../eval/types.js'
import type { MetricComparison, PromptComparison, ThresholdSet } from './types.js'
import { compareCase, isErrorCase } from './cases.js'
import { aggregateMetrics, callMetric, CALL_METRICS, isCallMetric, PASS_RATE } from './metrics.js'
import { checkThreshold, thresholdFor } from './thresholds.js'

/** The first result per case id (the case's representative in per-case comparisons). */
function byCaseId(results: CaseResult[] | undefined): Map<string, CaseResult> {
  const map = new Map<string, CaseResult>()
  for (const result of results ?? []) if (!map.has(result.caseId)) map.set(result.caseId, result)
  return map
}

function sideValues(results: CaseResult[] | undefined, names: string[]): Map<string, number> {
  const values = aggregateMetrics(results ?? [])
  for (const name of names) {
    if (!isCallMetric(name)) continue
    const value = callMetric(name, results ?? [])
    if (value !== undefined) values.set(name, value)
  }
  return values
}

/** pass_rate first, then assertion metrics as they first appear, then call metrics a threshold names. */
function metricNames(
  base: CaseResult[] | undefined,
  head: CaseResult[] | undefined,
  thresholds: ThresholdSet
): string[] {
  const names = new Set<string>([PASS_RATE])
  for (const result of [...(head ?? []), ...(base ?? [])]) {
    for (const assertion of result.assertions) names.add(assertion.metric)
  }
  for (const metric of CALL_METRICS) if (thresholds[metric] !== undefined) names.add(metric)
  return [...names]
}

function compareMetrics(
  results: PromptResults,
  hasBase: boolean,
  epsilon: number | undefined
): MetricComparison[] {
  const { thresholds } = results.prompt
  const names = metricNames(results.base, results.head, thresholds)
  const baseValues = hasBase ? sideValues(results.base, names) : new Map<string, number>()
  const headValues = sideValues(results.head, names)
  return names.map(metric => {
    const base = baseValues.get(metric)
    const head = headValues.get(metric)
    const threshold = thresholdFor(metric, thresholds)
    const check = checkThreshold(threshold, base, head, epsilon)
    return {
      metric,
      base,
      head,
      delta: base !== undefined && head !== undefined ? head - base : undefined,
      threshold,
      ...check
    }
  })
}

/** One changed prompt: its metrics against their thresholds and every case side by side. */
export function comparePrompt(results: PromptResults, epsilon?: number): PromptComparison {
  const { prompt } = results
  const identity = {
    path: prompt.path,
    previousPath: prompt.previousPath,
    status: prompt.status,
    suite: prompt.suite,
    reason: prompt.reason
  }
  if (prompt.status === 'removed' || prompt.cases.length === 0) {
    return { ...identity, metrics: [], cases: [], errors: { base: 0, head: 0 }, regressed: false }
  }
  // A side with a prompt version must have a result for every case; an added prompt has no base.
  const expectBase = prompt.status !== 'added' && prompt.base !== undefined
  const expectHead = true
  const baseById = byCaseId(results.base)
  const headById = byCaseId(results.head)
  const cases = prompt.cases.map(testCase =>
    compareCase(
      testCase,
      { base: baseById.get(testCase.id), head: headById.get(testCase.id), expectBase, expectHead },
      epsilon
    )
  )
  const errors = { base: 0, head: 0 }
  for (const testCase of prompt.cases) {
    const base = baseById.get(testCase.id)
    const head = headById.get(testCase.id)
    if (isErrorCase({ base, expectBase, expectHead: false })) errors.base += 1
    if (isErrorCase({ head, expectBase: false, expectHead })) errors.head += 1
  }
  const metrics = compareMetrics(results, expectBase, epsilon)
  return {
    ...identity,
    metrics,
    cases,
    errors,
    regressed: metrics.some(metric => metric.status === 'broken')
  }
}
