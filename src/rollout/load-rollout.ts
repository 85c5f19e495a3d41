/**
 * PROVISIONAL: reads the `rollout:` key of the config file so `rollout watch` and `canary --plan` run
 * before the config schema knows the key (wt-decide builds that). At merge this becomes
 * `(await readConfig(...))?.rollout`; nothing else depends on how it is read.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { interpolateEnv, type MissingVariable } from '../config/env.js'
import { UserError } from '../errors.js'
import type { Guardrail, MetricsSourceConfig, RolloutConfig, RolloutPlan } from './types.js'

const DURATION = /^(\d+)(s|m|h|d)$/
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const

export async function loadRolloutConfig(
  repo: string,
  configPath: string,
  env: Record<string, string | undefined> = process.env
): Promise<RolloutConfig | undefined> {
  let text: string
  try {
    text = await readFile(join(repo, configPath), 'utf8')
  } catch {
    return undefined
  }
  const fail = (message: string): UserError => new UserError(message, { file: configPath })
  let parsed: { rollout?: unknown }
  try {
    parsed = (parse(text) ?? {}) as { rollout?: unknown }
  } catch (error) {
    throw fail(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (parsed.rollout === undefined) return undefined
  const missing: MissingVariable[] = []
  const raw = interpolateEnv(parsed.rollout, env, missing) as Record<string, unknown>
  if (missing.length > 0)
    throw fail(`rollout uses ${missing.map(variable => `\${${variable.name}}`).join(', ')}, which is not set`)
  const plans = Array.isArray(raw.plans)
    ? raw.plans.map((plan, index) => toPlan(plan, index, configPath, fail))
    : []
  const metrics = raw.metrics as MetricsSourceConfig | undefined
  return { plans, ...(metrics ? { metrics } : {}), ...(raw.auto_canary === true ? { autoCanary: true } : {}) }
}

function toPlan(
  value: unknown,
  index: number,
  file: string,
  fail: (message: string) => UserError
): RolloutPlan {
  const plan = value as Record<string, unknown>
  const where = `rollout.plans[${index}]`
  const seconds = (raw: unknown): number => {
    const match = typeof raw === 'string' ? DURATION.exec(raw) : null
    if (!match)
      throw fail(
        `${where}.min_duration is ${JSON.stringify(raw)}; write a duration such as 30s, 5m, 1h or 1d`
      )
    return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]
  }
  if (!Array.isArray(plan.prompts) || !Array.isArray(plan.stages) || !Array.isArray(plan.guardrails))
    throw fail(`${where} needs prompts, stages and guardrails`)
  const guardrails = plan.guardrails.map((entry): Guardrail => {
    const guardrail = entry as Record<string, unknown>
    const limits = {
      ...(typeof guardrail.max_relative_increase === 'number'
        ? { maxRelativeIncrease: guardrail.max_relative_increase }
        : {}),
      ...(typeof guardrail.max_absolute === 'number' ? { maxAbsolute: guardrail.max_absolute } : {})
    }
    const name = String(guardrail.name)
    if (typeof guardrail.value === 'string') return { name, kind: 'value', value: guardrail.value, ...limits }
    return { name, kind: 'rate', bad: String(guardrail.bad), total: String(guardrail.total), ...limits }
  })
  return {
    prompts: plan.prompts.map(String),
    stages: plan.stages.map(Number),
    minDurationSeconds: seconds(plan.min_duration),
    minSamples: Number(plan.min_samples ?? 0),
    guardrails,
    onRegression: plan.on_regression === 'pause' ? 'pause' : 'rollback',
    origin: { file }
  }
}
