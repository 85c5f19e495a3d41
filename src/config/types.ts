import type { AssertionSpec } from '../assertions/types.js'
import type { Threshold } from '../compare/types.js'
import type { ModelParameters, ProviderRef } from '../prompts/types.js'
import type { RolloutConfig } from '../rollout/types.js'

/** USD per million tokens. */
export interface Prices {
  inputPerMillion: number
  outputPerMillion: number
}

/** A provider as the config names it, always in object form; usable wherever a `ProviderRef` is. */
export interface ProviderConfig extends ProviderRef {
  parameters: ModelParameters
  /** The provider's rate limit: the most requests per minute promptgate may send. */
  requestsPerMinute?: number
  /** For the cost metric when the provider reports none. */
  prices?: Prices
}

export interface ThresholdConfig extends Threshold {
  /** Count a drop only when it is significant at this level (a p-value such as 0.05). */
  significance?: number
}

/** Thresholds by metric name. */
export type ThresholdConfigSet = Record<string, ThresholdConfig>

/**
 * A golden set: a repository path (.jsonl, .json, .yaml, .yml, .csv) or an inline list of
 * test cases as written; `loadSuiteTestCases` (src/datasets/) turns either into TestCases.
 */
export type TestsSpec = string | unknown[]

export interface SuiteConfig {
  name: string
  description?: string
  /** Globs of repository paths (leading `./` removed). */
  prompts: string[]
  /** Absent when the suite names no golden set. */
  tests?: TestsSpec
  /** Line of `tests` in the config file, and of each inline case, for error messages. */
  testsLine?: number
  inlineTestLines?: number[]
  /** Applied to every case, after the case's own assertions. */
  assert: AssertionSpec[]
  /** Line of each of `assert` in the config file, for error messages. */
  assertLines: number[]
  /** The suite's own provider, else the top-level one; absent when neither names one. */
  provider?: ProviderConfig
  /** The top-level thresholds with the suite's laid over them, bound by bound. */
  thresholds: ThresholdConfigSet
  /** Line of each threshold's metric name in the config file: the suite's own, else the top-level one. */
  thresholdLines: Record<string, number>
  /** How many times each case runs per side: the suite's, else the top-level value (default 1). */
  repeat: number
  /** Line of the suite in the config file. */
  line: number
}

/** `.github/promptgate.yml`, version 1, validated and normalised. */
export interface Config {
  /** The path the config was read from, for error messages. */
  file: string
  version: 1
  provider?: ProviderConfig
  grader?: ProviderConfig
  concurrency?: number
  /** How many times each case runs per side unless a suite says otherwise (default 1). */
  repeat: number
  /** Model calls that may fail (after retries) before the verdict is `error` (default 0). */
  maxErrors: number
  /** The most model calls (judges included) a run may plan; unset means no cap from the config. */
  maxCalls?: number
  /** Line of `max_calls` in the config file. */
  maxCallsLine?: number
  /** Top-level thresholds: the defaults for suites and for standalone `*.prompt.yml` files. */
  thresholds: ThresholdConfigSet
  /** Line of each top-level threshold's metric name in the config file. */
  thresholdLines: Record<string, number>
  suites: SuiteConfig[]
  /** `rollout:`: staged-rollout plans and where their metrics live. */
  rollout?: RolloutConfig
}
