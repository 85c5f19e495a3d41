import type { CaseResult, EvalResults } from '../eval/types.js'
import type { Comparison } from './types.js'
import { comparePrompt } from './prompt.js'
import { EPSILON } from './thresholds.js'
import { decideVerdict } from './verdict.js'

export interface CompareOptions {
  /** Differences at or below this are float noise (default 1e-9). */
  epsilon?: number
  /** Model calls that may fail after their retries before the verdict is `error` (default 0). */
  maxErrors?: number
}

function sum(results: CaseResult[] | undefined, pick: (result: CaseResult) => number | undefined): number {
  return (results ?? []).reduce((total, result) => total + (pick(result) ?? 0), 0)
}

/** Compares base and head results of every changed prompt and decides the gate's verdict. */
export function compareResults(results: EvalResults, options: CompareOptions = {}): Comparison {
  const epsilon = options.epsilon ?? EPSILON
  const prompts = results.prompts.map(promptResults => comparePrompt(promptResults, epsilon))
  const tokens = (result: CaseResult) => result.call.tokens?.total
  const cost = (result: CaseResult) => result.call.cost
  return {
    prompts,
    verdict: decideVerdict(prompts, options.maxErrors),
    totals: {
      calls: results.calls,
      tokens: {
        base: results.prompts.reduce((total, p) => total + sum(p.base, tokens), 0),
        head: results.prompts.reduce((total, p) => total + sum(p.head, tokens), 0)
      },
      cost: {
        base: results.prompts.reduce((total, p) => total + sum(p.base, cost), 0),
        head: results.prompts.reduce((total, p) => total + sum(p.head, cost), 0)
      },
      durationMs: results.durationMs
    }
  }
}
