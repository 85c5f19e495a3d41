import type { ChatMessage, ProviderRef } from '../prompts/types.js'

/**
 * One check on a model output. Deterministic types follow promptfoo's names
 * (`equals`, `icontains`, `not-contains`, ...); GitHub Models evaluators map to
 * `gh-string` and `llm-choice`.
 */
export interface AssertionSpec {
  type: string
  value?: unknown
  /** Minimum score to pass, for scored types. */
  threshold?: number
  /** Weight in the case's weighted score (default 1). */
  weight?: number
  /** The metric the result is reported under; defaults to the type. */
  metric?: string
  /** Type-specific fields (e.g. `operator` for gh-string, `prompt` and `choices` for llm-choice). */
  [key: string]: unknown
}

export interface AssertionOutcome {
  pass: boolean
  /** 0..1 */
  score: number
  reason?: string
  /** The check could not be judged (e.g. a regex stopped at its time limit): it fails, even under `not-`. */
  indeterminate?: boolean
}

export interface AssertionResult extends AssertionOutcome {
  metric: string
  type: string
  weight: number
}

/** Asks a model for a judgement; goes through the run's shared scheduler, cache and retries. */
export type Judge = (request: {
  messages: ChatMessage[]
  provider?: ProviderRef
  /** The judge when neither the assertion nor the config names one (else the prompt's own model). */
  fallback?: ProviderRef
}) => Promise<string>

/**
 * One embedding vector per text, in order; through the run's shared scheduler and cache. Rejects with a
 * UserError when the provider has no embeddings API.
 */
export type Embed = (request: { texts: string[]; provider?: ProviderRef }) => Promise<number[][]>

export interface AssertionContext {
  output: string
  vars: Record<string, unknown>
  /** The case's expected value, when the dataset gives one. */
  expected?: string
  latencyMs?: number
  cost?: number
  judge: Judge
  /** Absent where no run provides one (then `similar` asks for an embedding provider). */
  embed?: Embed
  /** File the assertion came from, for error messages. */
  source?: string
}

export type AssertionHandler = (
  spec: AssertionSpec,
  context: AssertionContext
) => AssertionOutcome | Promise<AssertionOutcome>
