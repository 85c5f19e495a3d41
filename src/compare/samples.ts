import type { CaseResult } from '../eval/types.js'
import type { CaseSamples } from './types.js'

/** A case passes only when its assertions pass and its call did not fail. */
export function casePassed(result: CaseResult): boolean {
  return result.pass && result.call.error === undefined
}

/** A side's results per case id, each list in repeat order (a missing `repeat` is run 0). */
export function groupByCase(results: readonly CaseResult[] | undefined): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>()
  for (const result of results ?? []) {
    const group = groups.get(result.caseId) ?? []
    group.push(result)
    groups.set(result.caseId, group)
  }
  for (const group of groups.values()) group.sort((a, b) => (a.repeat ?? 0) - (b.repeat ?? 0))
  return groups
}

/** One side of a case over its runs: how many passed, the pass rate and the mean score. */
export function summarizeSamples(results: readonly CaseResult[]): CaseSamples {
  const passed = results.filter(casePassed).length
  const count = results.length
  return {
    results: [...results],
    passed,
    passRate: count === 0 ? 0 : passed / count,
    score: count === 0 ? 0 : results.reduce((total, result) => total + result.score, 0) / count
  }
}

/** The most runs any case has, over both sides. */
export function maxRuns(...sides: Map<string, CaseResult[]>[]): number {
  let most = 0
  for (const side of sides) for (const group of side.values()) most = Math.max(most, group.length)
  return most
}
