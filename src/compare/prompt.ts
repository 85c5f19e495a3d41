import type { CaseResult, PromptResults } from '../eval/types.js'
import type { MetricComparison, PromptComparison, ThresholdSet } from './types.js'
import { compareCase } from './cases.js'
import { metricStats } from './metric-stats.js'
import { caseMetrics, callMetric, CALL_METRICS, isCallMetric, PASS_RATE } from './metrics.js'
import { groupByCase, maxRuns } from './samples.js'
import { checkThreshold, EPSILON, thresholdFor } from './thresholds.js'

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

function mean(values: Iterable<number>): number | undefined {
  const list = [...values]
  return list.length === 0 ? undefined : list.reduce((sum, value) => sum + value, 0) / list.length
}

interface Side {
  results: CaseResult[]
  byCase: Map<string, Map<string, number>>
}

function side(results: CaseResult[] | undefined): Side {
  return { results: results ?? [], byCase: caseMetrics(results ?? []) }
}

function value(metric: string, { results, byCase }: Side): number | undefined {
  if (isCallMetric(metric)) return callMetric(metric, results)
  const perCase = byCase.get(metric)
  return perCase === undefined ? undefined : mean(perCase.values())
}

function compareMetrics(results: PromptResults, hasBase: boolean, runs: number, epsilon: number) {
  const { thresholds } = results.prompt
  const names = metricNames(results.base, results.head, thresholds)
  const baseSide = hasBase ? side(results.base) : undefined
  const headSide = side(results.head)
  return names.map((metric): MetricComparison => {
    const base = baseSide && value(metric, baseSide)
    const head = value(metric, headSide)
    const threshold = thresholdFor(metric, thresholds)
    const inPlay = !isCallMetric(metric) && (runs > 1 || threshold?.significance !== undefined)
    const stats = inPlay
      ? metricStats({
          metric,
          base: baseSide && base !== undefined ? baseSide.byCase.get(metric) : undefined,
          head: headSide.byCase.get(metric),
          threshold,
          runs,
          epsilon
        })
      : {}
    const check = checkThreshold(threshold, base, head, epsilon, stats.pValue)
    return {
      metric,
      base,
      head,
      delta: base !== undefined && head !== undefined ? head - base : undefined,
      threshold,
      ...check,
      ...stats
    }
  })
}

/** Failed calls on a side, plus cases missing a result the side should have. */
function countErrors(runsById: Map<string, CaseResult[]>, caseIds: string[], expected: boolean): number {
  let errors = 0
  for (const id of caseIds) {
    const runs = runsById.get(id) ?? []
    if (expected && runs.length === 0) errors += 1
    errors += runs.filter(run => run.call.error !== undefined).length
  }
  return errors
}

/** One changed prompt: its metrics against their thresholds and every case side by side. */
export function comparePrompt(results: PromptResults, epsilon = EPSILON): PromptComparison {
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
  const baseById = groupByCase(results.base)
  const headById = groupByCase(results.head)
  const cases = prompt.cases.map(testCase =>
    compareCase(
      testCase,
      { base: baseById.get(testCase.id), head: headById.get(testCase.id), expectBase, expectHead },
      epsilon
    )
  )
  const caseIds = prompt.cases.map(testCase => testCase.id)
  const errors = {
    base: countErrors(baseById, caseIds, expectBase),
    head: countErrors(headById, caseIds, expectHead)
  }
  const runs = maxRuns(baseById, headById)
  const metrics = compareMetrics(results, expectBase, runs, epsilon)
  return {
    ...identity,
    metrics,
    cases,
    errors,
    regressed: metrics.some(metric => metric.status === 'broken'),
    ...(runs > 1 ? { repeats: runs } : {})
  }
}
