import { parseDuration } from '../rollout/durations.js'
import type { Guardrail, MetricsSourceConfig, RolloutConfig, RolloutPlan } from '../rollout/types.js'
import { PathDescriber } from './describe-path.js'
import { locate, type LocatedDocument, type Path, type Problem } from './positions.js'

/** `rollout:` as the schema describes it. */
export interface RawGuardrail {
  name: string
  bad?: string
  total?: string
  value?: string
  max_relative_increase?: number
  max_absolute?: number
}

export interface RawRolloutPlan {
  prompts: string | string[]
  stages: number[]
  min_duration?: string
  min_samples?: number
  guardrails: RawGuardrail[]
  on_regression?: 'rollback' | 'pause'
}

export interface RawRollout {
  metrics?: MetricsSourceConfig
  auto_canary?: boolean
  plans: RawRolloutPlan[]
}

export const DEFAULT_MIN_DURATION = '1h'
export const DEFAULT_MIN_SAMPLES = 200

function guardrailProblems(guardrail: RawGuardrail, path: Path, describe: PathDescriber): string[] {
  const problems: string[] = []
  const where = describe.container(path)
  const rate = guardrail.bad !== undefined || guardrail.total !== undefined
  if (rate && guardrail.value !== undefined) {
    problems.push(`${where} has both a rate (bad, total) and a value; a guardrail is one or the other`)
  } else if (rate && (guardrail.bad === undefined || guardrail.total === undefined)) {
    problems.push(`${where} is a rate and needs both "bad" and "total" (the counts whose ratio is the rate)`)
  } else if (!rate && guardrail.value === undefined) {
    problems.push(`${where} needs a rate ("bad" and "total" queries) or a "value" query`)
  }
  if (guardrail.max_relative_increase === undefined && guardrail.max_absolute === undefined) {
    problems.push(`${where} needs a limit: "max_relative_increase" (e.g. 0.10) or "max_absolute", or both`)
  }
  if (rate && guardrail.max_absolute !== undefined && guardrail.max_absolute > 1) {
    problems.push(
      `"max_absolute" in ${where} is a rate's limit, a share from 0 to 1, not ${guardrail.max_absolute}`
    )
  }
  return problems
}

/**
 * What the schema cannot say about `rollout:`: a guardrail is exactly one kind and has a limit,
 * stages increase, durations parse. Each problem is located at the key at fault.
 */
export function rolloutProblems(
  rollout: RawRollout | undefined,
  located: LocatedDocument,
  root: unknown
): Problem[] {
  if (!rollout) return []
  const describe = new PathDescriber(root)
  const problems: Problem[] = []
  const at = (path: Path, message: string) => problems.push({ message, ...locate(located, path) })
  rollout.plans.forEach((plan, index) => {
    const path = ['rollout', 'plans', index]
    plan.stages.forEach((stage, item) => {
      const previous = plan.stages[item - 1]
      if (previous !== undefined && stage <= previous) {
        at(
          [...path, 'stages', item],
          `the stages of ${describe.container(path)} must increase: ${stage} comes after ${previous}`
        )
      }
    })
    if (plan.min_duration !== undefined) {
      try {
        parseDuration(plan.min_duration)
      } catch (error) {
        at(
          [...path, 'min_duration'],
          `"min_duration" in ${describe.container(path)}: ${(error as Error).message}`
        )
      }
    }
    const names = new Set<string>()
    plan.guardrails.forEach((guardrail, item) => {
      const guardrailPath = [...path, 'guardrails', item]
      for (const message of guardrailProblems(guardrail, guardrailPath, describe)) at(guardrailPath, message)
      if (names.has(guardrail.name)) {
        at(
          [...guardrailPath, 'name'],
          `guardrail name "${guardrail.name}" is used twice in ${describe.container(path)}`
        )
      }
      names.add(guardrail.name)
    })
  })
  return problems
}

function normaliseGuardrail(guardrail: RawGuardrail): Guardrail {
  const limits = {
    ...(guardrail.max_relative_increase === undefined
      ? {}
      : { maxRelativeIncrease: guardrail.max_relative_increase }),
    ...(guardrail.max_absolute === undefined ? {} : { maxAbsolute: guardrail.max_absolute })
  }
  if (guardrail.value !== undefined)
    return { name: guardrail.name, kind: 'value', value: guardrail.value, ...limits }
  return { name: guardrail.name, kind: 'rate', bad: guardrail.bad!, total: guardrail.total!, ...limits }
}

/** A checked `rollout:` in the shape the rollout code uses: durations in seconds, defaults filled. */
export function normaliseRollout(
  rollout: RawRollout,
  file: string,
  lineOf: (path: Path) => number,
  normalisePath: (path: string) => string
): RolloutConfig {
  const plans = rollout.plans.map((plan, index): RolloutPlan => ({
    prompts: (typeof plan.prompts === 'string' ? [plan.prompts] : plan.prompts).map(normalisePath),
    stages: [...plan.stages],
    minDurationSeconds: parseDuration(plan.min_duration ?? DEFAULT_MIN_DURATION),
    minSamples: plan.min_samples ?? DEFAULT_MIN_SAMPLES,
    guardrails: plan.guardrails.map(normaliseGuardrail),
    onRegression: plan.on_regression ?? 'rollback',
    origin: { file, line: lineOf(['rollout', 'plans', index]) }
  }))
  return {
    ...(rollout.metrics ? { metrics: rollout.metrics } : {}),
    plans,
    ...(rollout.auto_canary === undefined ? {} : { autoCanary: rollout.auto_canary })
  }
}
