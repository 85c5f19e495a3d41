import type { TestCase } from '../datasets/types.js'
import type { CaseResult } from '../eval/types.js'
import type { CaseChange, CaseComparison } from './types.js'
import { casePassed } from './metrics.js'
import { EPSILON } from './thresholds.js'

interface MetricOutcome {
  pass: boolean
  score: number
}

/** Each metric's outcome in one case: passes when all its assertions pass; the mean score. */
export function metricOutcomes(result: CaseResult): Map<string, MetricOutcome> {
  const grouped = new Map<string, { pass: boolean; total: number; count: number }>()
  for (const assertion of result.assertions) {
    const entry = grouped.get(assertion.metric) ?? { pass: true, total: 0, count: 0 }
    entry.pass &&= assertion.pass
    entry.total += assertion.score
    entry.count += 1
    grouped.set(assertion.metric, entry)
  }
  const outcomes = new Map<string, MetricOutcome>()
  for (const [metric, { pass, total, count }] of grouped) outcomes.set(metric, { pass, score: total / count })
  return outcomes
}

/** Metrics whose pass or score differs between the sides (or that only one side has). */
export function changedMetrics(base: CaseResult, head: CaseResult, epsilon = EPSILON): string[] {
  const baseOutcomes = metricOutcomes(base)
  const headOutcomes = metricOutcomes(head)
  const names = [...new Set([...baseOutcomes.keys(), ...headOutcomes.keys()])]
  return names.filter(name => {
    const before = baseOutcomes.get(name)
    const after = headOutcomes.get(name)
    if (!before || !after) return true
    return before.pass !== after.pass || Math.abs(before.score - after.score) > epsilon
  })
}

function classify(base: CaseResult, head: CaseResult, changed: string[], epsilon: number): CaseChange {
  const basePassed = casePassed(base)
  const headPassed = casePassed(head)
  if (basePassed && !headPassed) return 'regressed'
  if (!basePassed && headPassed) return 'improved'
  if (head.score < base.score - epsilon) return 'regressed'
  if (head.score > base.score + epsilon) return 'improved'
  if (head.call.output !== base.call.output || changed.length > 0) return 'changed'
  return 'unchanged'
}

export interface CaseSides {
  base?: CaseResult
  head?: CaseResult
  /** Whether each side should have a result; a missing expected result is an error. */
  expectBase: boolean
  expectHead: boolean
}

export function isErrorCase({ base, head, expectBase, expectHead }: CaseSides): boolean {
  return (
    base?.call.error !== undefined ||
    head?.call.error !== undefined ||
    (expectBase && !base) ||
    (expectHead && !head)
  )
}

export function compareCase(testCase: TestCase, sides: CaseSides, epsilon = EPSILON): CaseComparison {
  const { base, head } = sides
  const changed = base && head ? changedMetrics(base, head, epsilon) : []
  const comparison = { case: testCase, base, head, changedMetrics: changed }
  if (isErrorCase(sides)) return { ...comparison, change: 'error' }
  if (!base || !head) return { ...comparison, change: 'new' }
  return { ...comparison, change: classify(base, head, changed, epsilon) }
}
