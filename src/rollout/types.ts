/**
 * Staged rollouts (issue 11): plans from the config, the metrics each watch reads, and the decision it
 * writes to the registry. These names and shapes are a contract; extend, never rename.
 */

/** `rollout.metrics` in the config: where live metrics are read. Exactly one source. */
export type MetricsSourceConfig =
  | { prometheus: { url: string; headers?: Record<string, string> } }
  | { http: { url: string; headers?: Record<string, string> } }
  | { ndjson: { path: string } }

export interface RateGuardrail {
  name: string
  kind: 'rate'
  /** PromQL (or the HTTP/NDJSON source's key): the count of bad events; `$digest`, `$window` substituted. */
  bad: string
  total: string
  /** Breached when the canary's rate exceeds stable's times 1 + this, with confidence. */
  maxRelativeIncrease?: number
  /** Breached when the canary's rate exceeds this, with confidence. */
  maxAbsolute?: number
}

export interface ValueGuardrail {
  name: string
  kind: 'value'
  value: string
  maxRelativeIncrease?: number
  maxAbsolute?: number
}

export type Guardrail = RateGuardrail | ValueGuardrail

export interface RolloutPlan {
  /** Globs of prompt ids (repository paths). */
  prompts: string[]
  /** Canary percent per stage, increasing; 100 means promote. */
  stages: number[]
  /** Seconds a stage lasts at least before it may advance. */
  minDurationSeconds: number
  /** Per side, per stage: the samples a rate guardrail needs before an advance. */
  minSamples: number
  guardrails: Guardrail[]
  onRegression: 'rollback' | 'pause'
  /** Where the plan is in the config, for errors. */
  origin?: { file: string; line?: number }
}

export interface RolloutConfig {
  metrics?: MetricsSourceConfig
  plans: RolloutPlan[]
  /** After registering a new version on merge, open stage one of the matching plan. */
  autoCanary?: boolean
}

/** One side's reading over the stage's window; `note`: what the source assumed (no series yet: no events). */
export type SideReading =
  { bad: number; total: number; rate: number; note?: string } | { value: number; note?: string }

/** The window a watch reads: from the stage's start to now. */
export interface MetricWindow {
  start: Date
  end: Date
  /** Whole seconds, at least 5: what `$window` becomes (`<N>s`). */
  seconds: number
}

/**
 * Where a watch reads a guardrail for one side (a version digest). An unreachable source or an answer
 * that is not a number is thrown (a UserError naming the source and query): never read as zero.
 */
export interface MetricsSource {
  readonly describe: string
  read(guardrail: Guardrail, digest: string, window: MetricWindow): Promise<SideReading>
}

export type RolloutDecisionKind = 'advance' | 'hold' | 'rollback' | 'pause'

export interface GuardrailFigures {
  name: string
  kind: 'rate' | 'value'
  stable: SideReading
  canary: SideReading
  /** Rates: the one-sided p-value of the test that the canary is worse than allowed. */
  p_value?: number
  /** The confidence bound the test compared, when it gives one. */
  interval?: { low: number; high: number }
  /** The significance level this look used (alpha spent over the stage's looks). */
  alpha?: number
  breached: boolean
  /** Too few samples on a side to decide this guardrail. */
  underpowered?: boolean
}

/** `rollout_decision` in events.ndjson. */
export interface RolloutDecisionRecord {
  type: 'rollout_decision'
  at: string
  actor: string
  prompt: string
  decision: RolloutDecisionKind
  /** The current stage's percent. */
  stage: number
  next_stage?: number
  reason: string
  /** The versions compared. */
  stable: { version: number; digest: string }
  canary: { version: number; digest: string }
  guardrails: GuardrailFigures[]
  /** Which look at this stage this is (1 at the first watch after the stage opened). */
  look?: number
  /** The window read: from the stage's start to this watch. */
  window?: { start: string; end: string; seconds: number }
}

/** What the decision rule sees: everything is a plain value, so simulate and watch share it. */
export interface DecisionInput {
  plan: RolloutPlan
  /** The current stage's percent (a value of plan.stages). */
  stage: number
  /** Seconds since the stage opened. */
  elapsedSeconds: number
  /** How many watches have looked at this stage before this one (0 at the first look). */
  previousLooks: number
  readings: { guardrail: Guardrail; stable: SideReading; canary: SideReading }[]
}

export interface Decision {
  decision: RolloutDecisionKind
  stage: number
  next_stage?: number
  reason: string
  guardrails: GuardrailFigures[]
}
