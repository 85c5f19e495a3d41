import type { AssertionResult } from '../assertions/types.js'
import type { CallResult, CaseResult } from './types.js'

/** A case passes when its call succeeded and every assertion passed. */
export function summarizeCase(caseId: string, call: CallResult, assertions: AssertionResult[]): CaseResult {
  if (call.error !== undefined) return { caseId, call, assertions, pass: false, score: 0 }
  const pass = assertions.every(result => result.pass)
  return { caseId, call, assertions, pass, score: weightedScore(assertions, pass) }
}

/** Weighted mean of the scores; 1 without assertions. Weight-0 assertions still decide `pass`. */
function weightedScore(assertions: AssertionResult[], pass: boolean): number {
  const totalWeight = assertions.reduce((sum, result) => sum + result.weight, 0)
  if (totalWeight <= 0) return pass ? 1 : 0
  return assertions.reduce((sum, result) => sum + result.score * result.weight, 0) / totalWeight
}
