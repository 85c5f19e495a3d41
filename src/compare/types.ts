import type { ChangeStatus } from '../changes/types.js'
import type { TestCase } from '../datasets/types.js'
import type { CaseResult } from '../eval/types.js'

export type Verdict = 'pass' | 'regressed' | 'overridden' | 'skipped' | 'error'

export interface Threshold {
  /** Lower bound on the head value. */
  min?: number
  /** Upper bound on base minus head (a drop); 0 means no drop allowed. */
  max_drop?: number
  /** Upper bound on the head value (latency, cost). */
  max?: number
  /** Upper bound on head minus base (latency, cost). */
  max_increase?: number
  /**
   * When set, a drop breaks the threshold only if a paired test on the per-case results gives
   * p below this value (the drop is unlikely to be noise).
   */
  significance?: number
}

/** Thresholds by metric name; `pass_rate` is the share of cases whose assertions all pass. */
export type ThresholdSet = Record<string, Threshold>

export type MetricStatus = 'met' | 'broken' | 'no-threshold' | 'no-baseline'

export interface MetricComparison {
  metric: string
  base?: number
  head?: number
  /** head - base, when both exist. */
  delta?: number
  threshold?: Threshold
  status: MetricStatus
  /**
   * Which bound broke, in words, e.g. "dropped 0.20 (allowed 0.00)"; or, when met, why a drop
   * did not count ("..., p = 0.31 ≥ 0.05: not significant").
   */
  reason?: string
  // The statistics below are set only when they are in play: the threshold has `significance`,
  // or a case ran more than once (`repeat: n`). Never for call metrics (latency, cost, tokens).
  /** Which paired test gave `pValue`: exact McNemar (pass/fail, one run per case) or the sign test. */
  test?: PairedTest
  /** One-sided p-value of the paired test that head is worse than base; needs a base. */
  pValue?: number
  /** Cases with a value on both sides: the pairs the test counts. */
  samples?: number
  /** Paired cases whose value fell, and rose, beyond float noise; the rest are ties. */
  discordant?: { worse: number; better: number }
  /** 95% Wilson interval of the head value (pass_rate only), over the head's cases. */
  interval?: Interval
  /** With `significance`: no outcome with this many cases could flag a `max_drop` drop. */
  underpowered?: boolean
  /** Why, in words: "too few cases (4) to detect any drop at p < 0.05; at least 5 needed". */
  underpoweredReason?: string
}

export type PairedTest = 'mcnemar' | 'sign'

export interface Interval {
  low: number
  high: number
}

export type CaseChange = 'regressed' | 'improved' | 'changed' | 'unchanged' | 'new' | 'error'

export interface CaseComparison {
  case: TestCase
  change: CaseChange
  /** The case's representative run per side (the only run unless `repeat: n`); see `samples`. */
  base?: CaseResult
  head?: CaseResult
  /** Metrics whose pass or score differs between the sides. */
  changedMetrics: string[]
  /** Every run per side, only when the case ran more than once on a side. */
  samples?: { base?: CaseSamples; head?: CaseSamples }
}

/** One side of a case over its runs. */
export interface CaseSamples {
  /** In repeat order. */
  results: CaseResult[]
  /** Runs that passed (a failed call never passes). */
  passed: number
  /** passed / runs: the case's pass rate. */
  passRate: number
  /** Mean of the runs' scores. */
  score: number
}

export interface PromptComparison {
  path: string
  previousPath?: string
  status: ChangeStatus
  suite: string
  reason: string
  metrics: MetricComparison[]
  cases: CaseComparison[]
  /** Calls that failed after retries, and expected results that are missing, per side. */
  errors: { base: number; head: number }
  regressed: boolean
  /** The most runs any case had on a side, when more than one (`repeat: n`). */
  repeats?: number
}

export interface Comparison {
  prompts: PromptComparison[]
  /** Verdict before any override: pass, regressed, skipped or error. */
  verdict: Exclude<Verdict, 'overridden'>
  totals: {
    calls: number
    tokens: { base: number; head: number }
    cost: { base: number; head: number }
    durationMs: number
  }
}
