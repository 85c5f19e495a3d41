import { join } from 'node:path'
import { readConfig } from '../config/load.js'
import { UserError } from '../errors.js'
import type { RegisterOutcome } from '../registry/commands.js'
import type { RegistryStore } from '../registry/store.js'
import type { ChannelMovedEvent } from '../registry/types.js'
import { decide } from '../rollout/decide.js'
import { metricsSourceFor } from '../rollout/metrics-source.js'
import { ndjsonFileSource } from '../rollout/ndjson-source.js'
import { planMatcher } from '../rollout/plan-for.js'
import { renderWatch } from '../rollout/render-watch.js'
import { openFirstStage } from '../rollout/stage-commands.js'
import type { RolloutConfig } from '../rollout/types.js'
import { watchRollouts } from '../rollout/watch.js'
import { createSnapshotSource } from './change-source.js'
import type { Octokit } from './octokit.js'
import type { RepositoryRef } from './registry-run.js'

/** The default branch's config at the run's commit: the maintainers' plans and metrics source. */
export async function trustedRollout(
  octokit: Octokit,
  at: RepositoryRef & { sha: string },
  configPath: string
): Promise<RolloutConfig> {
  const source = createSnapshotSource(octokit, at)
  const config = await readConfig(path => source.read(at.sha, path), configPath)
  if (!config?.rollout || config.rollout.plans.length === 0) {
    throw new UserError(
      `${configPath} has no rollout plans (rollout.plans) at ${at.sha.slice(0, 7)}; a scheduled watch has nothing to follow.`,
      { file: configPath }
    )
  }
  return config.rollout
}

export interface ScheduledWatch {
  summary: string
  sha?: string
  moves: ChannelMovedEvent[]
  /** The decisions that moved nothing (holds), one line each, for the canary's Deployment. */
  unmoved: { prompt: string; line: string }[]
}

/**
 * `schedule` or `repository_dispatch` (an alert webhook): one `rollout watch` over the registry branch,
 * with the plans and the metrics source of the default branch's config.
 */
export async function watchFromWorkflow(
  store: RegistryStore,
  rollout: RolloutConfig,
  options: { actor: string; workspace?: string }
): Promise<ScheduledWatch> {
  const source = metricsSourceFor(rollout.metrics, {
    ndjson: path => ndjsonFileSource(options.workspace ? join(options.workspace, path) : path)
  })
  const outcome = await watchRollouts({
    store,
    planFor: planMatcher(rollout.plans),
    source,
    decide,
    actor: options.actor
  })
  const decided = outcome.prompts.flatMap(prompt => (prompt.status === 'decided' ? [prompt] : []))
  const moves = decided.flatMap(prompt => prompt.moves)
  const unmoved = decided
    .filter(prompt => prompt.moves.length === 0)
    .map(({ prompt, record }) => ({
      prompt,
      line: `stage ${record.stage}%: ${record.decision}: ${record.reason}`
    }))
  return {
    summary: renderWatch(outcome.prompts),
    moves,
    unmoved,
    ...(outcome.sha ? { sha: outcome.sha } : {})
  }
}

/**
 * `auto_canary: true`: each version a merge registered opens stage one of its plan. A first version is
 * stable already, and a prompt no plan matches keeps a plain `latest`.
 */
export async function openAutoCanaries(
  store: RegistryStore,
  rollout: RolloutConfig | undefined,
  registered: RegisterOutcome[],
  actor: string
): Promise<{ summaries: string[]; moves: ChannelMovedEvent[]; sha?: string }> {
  const result: { summaries: string[]; moves: ChannelMovedEvent[]; sha?: string } = {
    summaries: [],
    moves: []
  }
  if (!rollout?.autoCanary) return result
  const planFor = planMatcher(rollout.plans)
  for (const entry of registered) {
    const plan = planFor(entry.prompt)
    if (entry.status !== 'registered' || entry.version === 1 || !plan) continue
    const opened = await openFirstStage(store, { prompt: entry.prompt, version: entry.version }, plan, {
      actor
    })
    result.summaries.push(opened.summary)
    result.moves.push(...opened.events)
    if (opened.sha) result.sha = opened.sha
  }
  return result
}
