import { readRegistry, transact, type RegistryState } from '../registry/transact.js'
import type { PromptHistory } from '../registry/state.js'
import type { RegistryStore } from '../registry/store.js'
import type { ChannelMovedEvent, ChannelPointer, RegistryEvent } from '../registry/types.js'
import { metricWindow } from './metric-window.js'
import { rolloutMove, stageStart } from './moves.js'
import type {
  Decision,
  DecisionInput,
  MetricsSource,
  RolloutDecisionRecord,
  RolloutPlan,
  SideReading
} from './types.js'

export interface WatchOptions {
  store: RegistryStore
  /** The plan that governs a prompt's canary, if any. */
  planFor: (prompt: string) => RolloutPlan | undefined
  source: MetricsSource
  decide: (input: DecisionInput) => Decision
  actor: string
  now?: () => Date
}

export type PromptWatch =
  | { prompt: string; status: 'decided'; record: RolloutDecisionRecord; moves: ChannelMovedEvent[] }
  | { prompt: string; status: 'skipped'; note: string }

export interface WatchOutcome {
  prompts: PromptWatch[]
  /** The registry commit with the decisions; undefined when no prompt was decided. */
  sha?: string
}

interface Looked {
  prompt: string
  canary: ChannelPointer
  stable: ChannelPointer
  startedAt: string
  decision: Decision
  look: number
  window: { start: string; end: string; seconds: number }
}

/**
 * One watch: for every prompt whose canary a plan governs, reads each guardrail for both versions over
 * the stage so far, decides, and writes the decisions (and the moves they make) in one registry commit.
 * A source that cannot answer throws before anything is written: an unknown reading is never a hold.
 */
export async function watchRollouts(options: WatchOptions): Promise<WatchOutcome> {
  const now = options.now ?? (() => new Date())
  const state = await readRegistry(options.store)
  const results: PromptWatch[] = []
  const looked: Looked[] = []
  for (const history of state.histories.values()) {
    const { canary, stable } = history.channels
    if (!canary) continue
    const plan = options.planFor(history.prompt)
    if (!plan) {
      results.push({
        prompt: history.prompt,
        status: 'skipped',
        note: 'a canary no rollout plan matches: not watched'
      })
      continue
    }
    if (!canary.percent) {
      results.push({
        prompt: history.prompt,
        status: 'skipped',
        note: `canary v${canary.version} is paused at 0%; \`promptgate rollout resume ${history.prompt}\` resumes its stage`
      })
      continue
    }
    if (!stable) {
      results.push({
        prompt: history.prompt,
        status: 'skipped',
        note: 'no stable version to compare the canary with'
      })
      continue
    }
    const startedAt = stageStart(history.events) ?? history.versions.at(-1)?.at ?? now().toISOString()
    const end = now()
    const window = metricWindow(new Date(startedAt), end)
    const readings = await Promise.all(
      plan.guardrails.map(async guardrail => {
        const [stableReading, canaryReading] = await Promise.all([
          options.source.read(guardrail, stable.digest, window),
          options.source.read(guardrail, canary.digest, window)
        ])
        return { guardrail, stable: stableReading, canary: canaryReading }
      })
    )
    const previousLooks = looksAt(history, canary, startedAt)
    const decision = options.decide({
      plan,
      stage: canary.percent,
      elapsedSeconds: Math.max(0, Math.floor((end.getTime() - Date.parse(startedAt)) / 1000)),
      previousLooks,
      readings
    })
    looked.push({
      prompt: history.prompt,
      canary,
      stable,
      startedAt,
      decision,
      look: previousLooks + 1,
      window: { start: window.start.toISOString(), end: end.toISOString(), seconds: window.seconds }
    })
  }
  if (looked.length === 0) return { prompts: results }

  const { result, sha } = await transact(
    options.store,
    async current => {
      const at = now().toISOString()
      const written: PromptWatch[] = []
      const events: RegistryEvent[] = []
      for (const entry of looked) {
        const moved = movedMeanwhile(current, entry)
        if (moved) {
          written.push({ prompt: entry.prompt, status: 'skipped', note: moved })
          continue
        }
        const record = decisionRecord(entry, at, options.actor)
        const moves = movesFor(entry, record, at, options.actor)
        events.push(record as unknown as RegistryEvent, ...moves)
        written.push({ prompt: entry.prompt, status: 'decided', record, moves })
      }
      const decided = written.filter(entry => entry.status === 'decided')
      const message = `Rollout watch: ${decided.map(entry => `${entry.prompt} ${entry.record.decision}`).join(', ')}`
      return { result: written, change: { events, versions: [], message } }
    },
    now
  )
  return { prompts: [...results, ...result], ...(sha ? { sha } : {}) }
}

/** The decisions already written for this canary at this stage: the looks alpha spending counts. */
function looksAt(history: PromptHistory, canary: ChannelPointer, startedAt: string): number {
  return history.events.filter(
    event =>
      event.type === 'rollout_decision' &&
      event.at > startedAt &&
      event.stage === canary.percent &&
      (event.canary as { digest?: unknown } | undefined)?.digest === canary.digest
  ).length
}

function movedMeanwhile(state: RegistryState, entry: Looked): string | undefined {
  const history = state.histories.get(entry.prompt)
  const { canary, stable } = history?.channels ?? {}
  const same =
    canary?.digest === entry.canary.digest &&
    canary.percent === entry.canary.percent &&
    stable?.digest === entry.stable.digest &&
    history !== undefined &&
    stageStart(history.events) === entry.startedAt
  return same
    ? undefined
    : 'another command moved its channels while the watch read the metrics: decided at the next watch'
}

function decisionRecord(entry: Looked, at: string, actor: string): RolloutDecisionRecord {
  const { decision } = entry
  return {
    type: 'rollout_decision',
    at,
    actor,
    prompt: entry.prompt,
    decision: decision.decision,
    stage: decision.stage,
    ...(decision.decision === 'advance' ? { next_stage: decision.next_stage ?? 100 } : {}),
    reason: decision.reason,
    stable: { version: entry.stable.version, digest: entry.stable.digest },
    canary: { version: entry.canary.version, digest: entry.canary.digest },
    guardrails: decision.guardrails,
    look: entry.look,
    window: entry.window
  }
}

function movesFor(
  entry: Looked,
  record: RolloutDecisionRecord,
  at: string,
  actor: string
): ChannelMovedEvent[] {
  const { prompt, canary, stable } = entry
  const context = (reason: string) => ({ at, actor, reason })
  switch (record.decision) {
    case 'hold':
      return []
    case 'rollback':
      return [
        rolloutMove(
          prompt,
          'canary',
          canary,
          null,
          context(`rollout rolled back v${canary.version} at ${record.stage}%: ${record.reason}`)
        )
      ]
    case 'pause':
      return [
        rolloutMove(
          prompt,
          'canary',
          canary,
          { ...canary, percent: 0 },
          context(`rollout paused v${canary.version} at ${record.stage}%: ${record.reason}`)
        )
      ]
    case 'advance': {
      const next = record.next_stage ?? 100
      if (next < 100)
        return [
          rolloutMove(
            prompt,
            'canary',
            canary,
            { ...canary, percent: next },
            context(`rollout advanced v${canary.version} from ${record.stage}% to ${next}%: ${record.reason}`)
          )
        ]
      const promoted = { version: canary.version, digest: canary.digest }
      return [
        rolloutMove(
          prompt,
          'stable',
          stable,
          promoted,
          context(`rollout promoted v${canary.version} to stable after ${record.stage}%: ${record.reason}`)
        ),
        rolloutMove(prompt, 'canary', canary, null, context(`v${canary.version} promoted to stable`))
      ]
    }
  }
}

/** Readings a source had to assume something for, to say so beside the decision. */
export function readingNotes(record: RolloutDecisionRecord): string[] {
  const notes: string[] = []
  for (const figures of record.guardrails) {
    for (const side of ['stable', 'canary'] as const) {
      const reading: SideReading = figures[side]
      if (reading.note) notes.push(`${figures.name}, ${side}: ${reading.note}`)
    }
  }
  return notes
}
