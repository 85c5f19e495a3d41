/**
 * PROVISIONAL decision rule, so `rollout watch` can be built and tested in parallel with the real one
 * (wt-decide's decide.ts replaces this file at merge): a one-sided z-test at 0.05 per rate guardrail, a
 * plain comparison per value guardrail; advance once min_duration and min_samples are met.
 */
import type { Decision, DecisionInput, GuardrailFigures, SideReading } from './types.js'

const ALPHA = 0.05

function normalUpperTail(z: number): number {
  // Abramowitz and Stegun 7.1.26, good to 1.5e-7: plenty for a 0.05 cut.
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-x * x)
  const cdf = z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
  return 1 - cdf
}

const isRate = (reading: SideReading): reading is { bad: number; total: number; rate: number } =>
  'total' in reading

export function decide(input: DecisionInput): Decision {
  const { plan, stage } = input
  const guardrails: GuardrailFigures[] = input.readings.map(({ guardrail, stable, canary }) => {
    if (guardrail.kind === 'value' || !isRate(stable) || !isRate(canary)) {
      const s = 'value' in stable ? stable.value : stable.rate
      const c = 'value' in canary ? canary.value : canary.rate
      const breached =
        (guardrail.maxRelativeIncrease !== undefined && c > s * (1 + guardrail.maxRelativeIncrease)) ||
        (guardrail.maxAbsolute !== undefined && c > guardrail.maxAbsolute)
      return { name: guardrail.name, kind: 'value', stable, canary, breached }
    }
    const underpowered = stable.total < plan.minSamples || canary.total < plan.minSamples
    let p = 1
    if (canary.total > 0 && stable.total > 0) {
      const pc = canary.rate
      const ps = stable.rate
      if (guardrail.maxRelativeIncrease !== undefined) {
        const k = 1 + guardrail.maxRelativeIncrease
        const se = Math.sqrt((pc * (1 - pc)) / canary.total + (k * k * ps * (1 - ps)) / stable.total)
        p = Math.min(p, se > 0 ? normalUpperTail((pc - k * ps) / se) : pc > k * ps ? 0 : 1)
      }
      if (guardrail.maxAbsolute !== undefined) {
        const a = guardrail.maxAbsolute
        const se = Math.sqrt((a * (1 - a)) / canary.total)
        p = Math.min(p, se > 0 ? normalUpperTail((pc - a) / se) : pc > a ? 0 : 1)
      }
    }
    return {
      name: guardrail.name,
      kind: 'rate',
      stable,
      canary,
      p_value: p,
      alpha: ALPHA,
      breached: p < ALPHA,
      ...(underpowered ? { underpowered } : {})
    }
  })
  const breached = guardrails.filter(figures => figures.breached)
  if (breached.length > 0) {
    return {
      decision: plan.onRegression,
      stage,
      reason: `${breached.map(figures => figures.name).join(', ')} breached`,
      guardrails
    }
  }
  const short = guardrails.filter(figures => figures.underpowered)
  if (short.length > 0) {
    return {
      decision: 'hold',
      stage,
      reason: `too little traffic: ${short.map(figures => figures.name).join(', ')} below ${plan.minSamples} samples a side`,
      guardrails
    }
  }
  if (input.elapsedSeconds < plan.minDurationSeconds) {
    return {
      decision: 'hold',
      stage,
      reason: `the stage has run ${input.elapsedSeconds}s of ${plan.minDurationSeconds}s`,
      guardrails
    }
  }
  const next = plan.stages.find(percent => percent > stage) ?? 100
  return { decision: 'advance', stage, next_stage: next, reason: 'every guardrail holds', guardrails }
}
