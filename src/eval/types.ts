import type { AssertionResult } from '../assertions/types.js'
import type { ChangeStatus } from '../changes/types.js'
import type { TestCase } from '../datasets/types.js'
import type { ProviderRef, PromptVersion } from '../prompts/types.js'
import type { ThresholdSet } from '../compare/types.js'

export type Side = 'base' | 'head'

/** A changed prompt and everything needed to evaluate both of its versions. */
export interface PromptUnderTest {
  /** Head path (base path for removed files). */
  path: string
  previousPath?: string
  status: ChangeStatus
  /** The suite it belongs to (the file path for standalone *.prompt.yml files). */
  suite: string
  /** Why it was evaluated, shown in the comment (e.g. "prompt changed"). */
  reason: string
  base?: PromptVersion
  head?: PromptVersion
  /** The head version's test cases; both sides run on them. */
  cases: TestCase[]
  thresholds: ThresholdSet
  /** Provider for llm judges when an evaluator names none. */
  grader?: ProviderRef
  /** How many times each case runs per side (the config's `repeat`); absent means once. */
  repeat?: number
}

export interface CallResult {
  output: string
  /** Set when the call failed after its retries; the case then counts as an error. */
  error?: string
  latencyMs: number
  tokens?: { prompt: number; completion: number; total: number }
  cost?: number
  cached?: boolean
}

export interface CaseResult {
  caseId: string
  /** 0-based sample index when a case runs several times per side (`repeat: n`); absent means 0. */
  repeat?: number
  call: CallResult
  assertions: AssertionResult[]
  /** All assertions passed and the call did not fail. */
  pass: boolean
  /** Weighted mean of the assertion scores (1 when there are none, 0 on error). */
  score: number
}

export interface PromptResults {
  prompt: PromptUnderTest
  base?: CaseResult[]
  head?: CaseResult[]
}

export interface EvalResults {
  prompts: PromptResults[]
  /** Model calls made (judges included); calls answered from the cache are not counted. */
  calls: number
  durationMs: number
  /** Case results whose call failed after its retries, or whose output could not be checked. */
  errors?: number
  /** Distinct calls answered from the result cache instead of the provider. */
  cached?: number
}
