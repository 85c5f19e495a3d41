import { formatDuration } from './durations.js'
import { binomialUpperTail, ratioScoreTest } from './stats.js'
import type {
  Decision,
  DecisionInput,
  Guardrail,
  GuardrailFigures,
  RolloutPlan,
  SideReading
} from './types.js'

/** The chance of a false rollback a whole rollout may spend, over its stages, looks and guardrails. */
export const ROLLOUT_ALPHA = 0.05

/**
 * The significance level of one test at look k (0 at a stage's first watch): ROLLOUT_ALPHA split
 * evenly over the plan's watched stages and each look's tests (Bonferroni), and over a stage's
 * looks as 6 / (π² (k + 1)²), a series that sums to 1. So however many watches look, the chance
 * that any of them rolls back a canary that is within its limits stays under ROLLOUT_ALPHA, with
 * no cap on the number of looks; early looks get the largest share (0.61, then 0.15, 0.068, ...),
 * where a clear regression shows.
 */
export function lookAlpha(previousLooks: number, tests: number, stages = 1): number {
  const k = Math.max(0, previousLooks)
  return (
    (ROLLOUT_ALPHA * 6) / (Math.PI * Math.PI * (k + 1) * (k + 1) * Math.max(1, tests) * Math.max(1, stages))
  )
}

/** The stages a watch looks at: every stage below 100 (reaching 100 is the promotion). */
export function watchedStages(plan: RolloutPlan): number {
  return plan.stages.filter(stage => stage < 100).length
}

type RateReading = Extract<SideReading, { bad: number }>
type ValueReading = Extract<SideReading, { value: number }>

const isRate = (reading: SideReading): reading is RateReading => 'bad' in reading
const percent = (rate: number) => `${(rate * 100).toFixed(rate !== 0 && Math.abs(rate) < 0.01 ? 2 : 1)}%`
const shortNumber = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4))
const pValue = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4))

/** How many one-sided tests the plan's rate guardrails run per look: one per limit. */
function testsPerLook(plan: RolloutPlan): number {
  return plan.guardrails
    .filter(guardrail => guardrail.kind === 'rate')
    .reduce(
      (count, guardrail) =>
        count +
        (guardrail.maxRelativeIncrease !== undefined ? 1 : 0) +
        (guardrail.maxAbsolute !== undefined ? 1 : 0),
      0
    )
}

interface Judged {
  figures: GuardrailFigures
  /** Why it is breached, or why it cannot be decided yet; absent when it holds up. */
  breach?: string
  missing?: string[]
  /** A value over its limit before min_duration: a hold, not yet a regression. */
  pendingValueBreach?: string
}

function judgeRate(
  guardrail: Guardrail,
  stable: RateReading,
  canary: RateReading,
  alpha: number,
  minSamples: number
): Judged {
  const tests: { p: number; limit: string }[] = []
  if (guardrail.maxRelativeIncrease !== undefined) {
    const ratio = 1 + guardrail.maxRelativeIncrease
    tests.push({
      p: ratioScoreTest(canary.bad, canary.total, stable.bad, stable.total, ratio),
      limit: `stable's ${percent(stable.rate)} + ${shortNumber(guardrail.maxRelativeIncrease * 100)}% = ${percent(stable.rate * ratio)}`
    })
  }
  if (guardrail.maxAbsolute !== undefined) {
    tests.push({
      p: canary.total > 0 ? binomialUpperTail(canary.bad, canary.total, guardrail.maxAbsolute) : 1,
      limit: percent(guardrail.maxAbsolute)
    })
  }
  const worst = tests.reduce((best, test) => (test.p < best.p ? test : best))
  const breached = worst.p <= alpha
  const missing = [
    ...(canary.total < minSamples
      ? [`canary has ${canary.total} of ${minSamples} samples for ${guardrail.name}`]
      : []),
    ...(stable.total < minSamples
      ? [`stable has ${stable.total} of ${minSamples} samples for ${guardrail.name}`]
      : [])
  ]
  return {
    figures: {
      name: guardrail.name,
      kind: 'rate',
      stable,
      canary,
      p_value: worst.p,
      alpha,
      breached,
      ...(missing.length > 0 ? { underpowered: true } : {})
    },
    ...(breached
      ? {
          breach: `${guardrail.name}: canary ${percent(canary.rate)} (${canary.bad}/${canary.total}) is above ${worst.limit} (stable ${stable.bad}/${stable.total}), p = ${pValue(worst.p)} <= ${pValue(alpha)}`
        }
      : {}),
    missing
  }
}

function judgeValue(
  guardrail: Guardrail,
  stable: ValueReading,
  canary: ValueReading,
  stageLongEnough: boolean
): Judged {
  const figures: GuardrailFigures = { name: guardrail.name, kind: 'value', stable, canary, breached: false }
  const missing = [
    ...(Number.isFinite(canary.value) ? [] : [`no ${guardrail.name} value for canary yet`]),
    ...(Number.isFinite(stable.value) || guardrail.maxRelativeIncrease === undefined
      ? []
      : [`no ${guardrail.name} value for stable yet`])
  ]
  if (missing.length > 0) return { figures: { ...figures, underpowered: true }, missing }
  const limits: number[] = []
  if (guardrail.maxRelativeIncrease !== undefined)
    limits.push(stable.value * (1 + guardrail.maxRelativeIncrease))
  if (guardrail.maxAbsolute !== undefined) limits.push(guardrail.maxAbsolute)
  const limit = Math.min(...limits)
  if (canary.value <= limit) return { figures, missing: [] }
  const over = `${guardrail.name}: canary ${shortNumber(canary.value)} is above ${shortNumber(limit)} (stable ${shortNumber(stable.value)}; a value, so no sample size or test)`
  if (!stageLongEnough) return { figures, missing: [], pendingValueBreach: over }
  return { figures: { ...figures, breached: true }, breach: over, missing: [] }
}

function judge(input: DecisionInput, alpha: number): Judged[] {
  const stageLongEnough = input.elapsedSeconds >= input.plan.minDurationSeconds
  return input.readings.map(({ guardrail, stable, canary }) => {
    if (guardrail.kind === 'rate') {
      if (!isRate(stable) || !isRate(canary))
        throw new TypeError(`${guardrail.name} is a rate guardrail; its readings must be counts`)
      return judgeRate(guardrail, stable, canary, alpha, input.plan.minSamples)
    }
    if (isRate(stable) || isRate(canary))
      throw new TypeError(`${guardrail.name} is a value guardrail; its readings must be values`)
    return judgeValue(guardrail, stable, canary, stageLongEnough)
  })
}

/** The stage after `stage`: the plan's next one, or 100 (promote) after the last. */
export function nextStage(plan: RolloutPlan, stage: number): number {
  return plan.stages.find(candidate => candidate > stage) ?? 100
}

/**
 * The decision of one watch, from plain values (pure: `rollout watch` and `rollout simulate` share it).
 *
 * - A rate guardrail is breached when its one-sided test rejects "the canary is within its limit" at
 *   this look's alpha (see lookAlpha): at any look, even before min_duration and min_samples, since a
 *   clear regression should not wait. A value guardrail has no sample size, so its breach counts
 *   only once the stage has run min_duration (before that it holds and says so).
 * - A breach rolls back, or pauses when the plan says `on_regression: pause`.
 * - Advance when the stage has run min_duration, every rate guardrail has min_samples per side, every
 *   value guardrail has values, and none is breached. The last stage advances to 100: promote.
 * - Otherwise hold, with a reason naming what is missing. Too little traffic is a hold, never a pass.
 */
export function decide(input: DecisionInput): Decision {
  const { plan, stage } = input
  const alpha = lookAlpha(input.previousLooks, testsPerLook(plan), watchedStages(plan))
  const judged = judge(input, alpha)
  const guardrails = judged.map(item => item.figures)
  const breaches = judged.flatMap(item => (item.breach ? [item.breach] : []))
  if (breaches.length > 0) {
    const decision = plan.onRegression
    const action = decision === 'rollback' ? 'rolling back' : 'pausing'
    return {
      decision,
      stage,
      reason: `regression at stage ${stage}%, ${action}: ${breaches.join('; ')}`,
      guardrails
    }
  }
  const missing: string[] = []
  if (input.elapsedSeconds < plan.minDurationSeconds) {
    missing.push(
      `stage ${stage}% has run ${formatDuration(input.elapsedSeconds)} of ${formatDuration(plan.minDurationSeconds)}`
    )
  }
  const traffic = judged.flatMap(item => item.missing ?? [])
  if (traffic.length > 0) missing.push(`too little traffic to decide: ${traffic.join(', ')}`)
  missing.push(
    ...judged.flatMap(item =>
      item.pendingValueBreach
        ? [
            `${item.pendingValueBreach}; it rolls back if still so after ${formatDuration(plan.minDurationSeconds)}`
          ]
        : []
    )
  )
  if (missing.length > 0)
    return { decision: 'hold', stage, reason: `holding: ${missing.join('; ')}`, guardrails }
  const next = nextStage(plan, stage)
  const target = next >= 100 ? 'promote (100%)' : `stage ${next}%`
  return {
    decision: 'advance',
    stage,
    next_stage: next,
    reason: `advancing to ${target}: stage ${stage}% ran ${formatDuration(input.elapsedSeconds)} with at least ${plan.minSamples} samples per side and every guardrail within its limit`,
    guardrails
  }
}
