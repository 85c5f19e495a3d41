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
  /** Which bound broke, in words, e.g. "dropped 0.20 (allowed 0.00)". */
  reason?: string
}

export type CaseChange = 'regressed' | 'improved' | 'changed' | 'unchanged' | 'new' | 'error'

export interface CaseComparison {
  case: TestCase
  change: CaseChange
  base?: CaseResult
  head?: CaseResult
  /** Metrics whose pass or score differs between the sides. */
  changedMetrics: string[]
}

export interface PromptComparison {
  path: string
  previousPath?: string
  status: ChangeStatus
  suite: string
  reason: string
  metrics: MetricComparison[]
  cases: CaseComparison[]
  /** Calls that failed after retries, per side. */
  errors: { base: number; head: number }
  regressed: boolean
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
