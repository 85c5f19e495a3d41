import type { TestCase } from '../datasets/types.js'
import type { CaseResult } from '../eval/types.js'
import type { CaseChange, CaseComparison } from './types.js'
import { casePassed, summarizeSamples } from './samples.js'
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

/** One case's runs on a side: a single result, or every run when the case repeats. */
export type Runs = CaseResult | readonly CaseResult[]

function asList(runs: Runs | undefined): readonly CaseResult[] {
  if (runs === undefined) return []
  return Array.isArray(runs) ? (runs as readonly CaseResult[]) : [runs as CaseResult]
}

/** Each metric over a case's runs: the share of runs where it passes, and its mean score. */
function runOutcomes(runs: readonly CaseResult[]): Map<string, { passRate: number; score: number }> {
  const totals = new Map<string, { passed: number; score: number; runs: number }>()
  for (const run of runs) {
    for (const [metric, outcome] of metricOutcomes(run)) {
      const entry = totals.get(metric) ?? { passed: 0, score: 0, runs: 0 }
      entry.passed += outcome.pass ? 1 : 0
      entry.score += outcome.score
      entry.runs += 1
      totals.set(metric, entry)
    }
  }
  return new Map(
    [...totals].map(([metric, entry]) => [
      metric,
      { passRate: entry.passed / entry.runs, score: entry.score / entry.runs }
    ])
  )
}

/** Metrics whose pass rate or score differs between the sides (or that only one side has). */
export function changedMetrics(base: Runs, head: Runs, epsilon = EPSILON): string[] {
  const baseOutcomes = runOutcomes(asList(base))
  const headOutcomes = runOutcomes(asList(head))
  const names = [...new Set([...baseOutcomes.keys(), ...headOutcomes.keys()])]
  return names.filter(name => {
    const before = baseOutcomes.get(name)
    const after = headOutcomes.get(name)
    if (!before || !after) return true
    return (
      Math.abs(before.passRate - after.passRate) > epsilon || Math.abs(before.score - after.score) > epsilon
    )
  })
}

function sameOutputs(base: readonly CaseResult[], head: readonly CaseResult[]): boolean {
  const outputs = (runs: readonly CaseResult[]) => runs.map(run => run.call.output).sort()
  const before = outputs(base)
  const after = outputs(head)
  return before.length === after.length && before.every((output, index) => output === after[index])
}

/** With repeats, a case's pass rate and mean score over its runs stand in for pass and score. */
function classify(
  base: readonly CaseResult[],
  head: readonly CaseResult[],
  changed: string[],
  epsilon: number
): CaseChange {
  const before = summarizeSamples(base)
  const after = summarizeSamples(head)
  if (after.passRate < before.passRate - epsilon) return 'regressed'
  if (after.passRate > before.passRate + epsilon) return 'improved'
  if (after.score < before.score - epsilon) return 'regressed'
  if (after.score > before.score + epsilon) return 'improved'
  if (!sameOutputs(base, head) || changed.length > 0) return 'changed'
  return 'unchanged'
}

export interface CaseSides {
  base?: Runs
  head?: Runs
  /** Whether each side should have a result; a missing expected result is an error. */
  expectBase: boolean
  expectHead: boolean
}

export function isErrorCase({ base, head, expectBase, expectHead }: CaseSides): boolean {
  const failed = (runs: Runs | undefined) => asList(runs).some(run => run.call.error !== undefined)
  return (
    failed(base) ||
    failed(head) ||
    (expectBase && asList(base).length === 0) ||
    (expectHead && asList(head).length === 0)
  )
}

/**
 * The run a report shows for a side: a failed call first, then one that shows the change (a
 * passing base and a failing head for a regression), else the first run.
 */
function representative(runs: readonly CaseResult[], prefer: boolean | undefined): CaseResult | undefined {
  return (
    runs.find(run => run.call.error !== undefined) ??
    (prefer === undefined ? undefined : runs.find(run => casePassed(run) === prefer)) ??
    runs[0]
  )
}

const PREFERRED: Partial<Record<CaseChange, { base: boolean; head: boolean }>> = {
  regressed: { base: true, head: false },
  improved: { base: false, head: true },
  new: { base: false, head: false }
}

function withSamples(
  base: readonly CaseResult[],
  head: readonly CaseResult[]
): Pick<CaseComparison, 'samples'> {
  if (base.length <= 1 && head.length <= 1) return {}
  return {
    samples: {
      base: base.length > 0 ? summarizeSamples(base) : undefined,
      head: head.length > 0 ? summarizeSamples(head) : undefined
    }
  }
}

export function compareCase(testCase: TestCase, sides: CaseSides, epsilon = EPSILON): CaseComparison {
  const base = asList(sides.base)
  const head = asList(sides.head)
  const changed = base.length > 0 && head.length > 0 ? changedMetrics(base, head, epsilon) : []
  const change: CaseChange = isErrorCase(sides)
    ? 'error'
    : base.length === 0 || head.length === 0
      ? 'new'
      : classify(base, head, changed, epsilon)
  const prefer = PREFERRED[change]
  return {
    case: testCase,
    change,
    base: representative(base, prefer?.base),
    head: representative(head, prefer?.head),
    changedMetrics: changed,
    ...withSamples(base, head)
  }
}
