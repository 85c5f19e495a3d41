import { UserError } from '../errors.js'
import { runChannelCommand, type ChannelOutcome } from '../registry/commands.js'
import { resolvePrompt } from '../registry/resolve.js'
import type { RegistryStore } from '../registry/store.js'
import { transact } from '../registry/transact.js'
import type { ChannelMovedEvent } from '../registry/types.js'
import { rolloutMove } from './moves.js'
import type { RolloutPlan } from './types.js'

export interface StageContext {
  actor: string
  reason?: string
  now?: () => Date
}

/** `registry canary <prompt> --plan`: the canary serves the plan's first stage. */
export async function openFirstStage(
  store: RegistryStore,
  request: { prompt: string; version?: number; digest?: string },
  plan: RolloutPlan,
  context: StageContext
): Promise<ChannelOutcome> {
  const first = plan.stages[0]
  if (first === undefined) throw new UserError('The rollout plan has no stages.', planOrigin(plan))
  return runChannelCommand(
    store,
    { command: 'canary', ...request, percent: first },
    {
      ...context,
      reason: context.reason ?? `rollout stage 1 of ${plan.stages.map(stage => `${stage}%`).join(' → ')}`
    }
  )
}

/** `rollout pause`: the canary keeps its version and stage, serving 0% until `resume`. */
export function pauseRollout(
  store: RegistryStore,
  prompt: string,
  context: StageContext
): Promise<ChannelOutcome> {
  return runChannelCommand(store, { command: 'pause', prompt }, context)
}

/** `rollout resume`: back to the percent the canary served when it was paused. */
export function resumeRollout(
  store: RegistryStore,
  prompt: string,
  context: StageContext
): Promise<ChannelOutcome> {
  return stageMove(store, prompt, context, 'resume', (history, at) => {
    const canary = history.channels.canary
    if (!canary) throw new UserError(`${history.prompt} has no canary to resume.`)
    if (canary.percent)
      throw new UserError(
        `${history.prompt}'s canary v${canary.version} is not paused; it serves ${canary.percent}%.`
      )
    const pausedFrom = [...history.events]
      .reverse()
      .find(
        (event): event is ChannelMovedEvent =>
          event.type === 'channel_moved' &&
          event.channel === 'canary' &&
          event.from?.digest === canary.digest &&
          (event.from.percent ?? 0) > 0 &&
          event.to?.percent === 0
      )?.from?.percent
    if (!pausedFrom)
      throw new UserError(
        `${history.prompt}'s canary v${canary.version} was opened at 0%, so it has no stage to resume; open one with promptgate registry canary ${history.prompt} --plan.`
      )
    return [
      rolloutMove(
        history.prompt,
        'canary',
        canary,
        { ...canary, percent: pausedFrom },
        {
          at,
          actor: context.actor,
          reason: context.reason ?? `resumed canary v${canary.version} at ${pausedFrom}%`
        }
      )
    ]
  })
}

/** `rollout abort`: the canary is cleared, stable stays. */
export function abortRollout(
  store: RegistryStore,
  prompt: string,
  context: StageContext
): Promise<ChannelOutcome> {
  return stageMove(store, prompt, context, 'abort', (history, at) => {
    const canary = history.channels.canary
    if (!canary) throw new UserError(`${history.prompt} has no canary to abort.`)
    return [
      rolloutMove(history.prompt, 'canary', canary, null, {
        at,
        actor: context.actor,
        reason: context.reason ? `aborted: ${context.reason}` : 'aborted'
      })
    ]
  })
}

async function stageMove(
  store: RegistryStore,
  prompt: string,
  context: StageContext,
  verb: string,
  plan: (history: ReturnType<typeof resolvePrompt>, at: string) => ChannelMovedEvent[]
): Promise<ChannelOutcome> {
  const now = context.now ?? (() => new Date())
  const { result, sha } = await transact(
    store,
    async state => {
      const history = resolvePrompt(state.histories, prompt, store.where)
      const events = plan(history, now().toISOString())
      const summary = `${history.prompt}: ${events.map(describeMove).join(', ')}`
      const outcome: ChannelOutcome = { prompt: history.prompt, command: 'canary', events, summary }
      return { result: outcome, change: { events, versions: [], message: `Rollout ${verb} ${summary}` } }
    },
    now
  )
  return { ...result, ...(sha ? { sha } : {}) }
}

function describeMove(move: ChannelMovedEvent): string {
  const name = (pointer: ChannelMovedEvent['from']): string =>
    pointer ? `v${pointer.version}${pointer.percent !== undefined ? ` at ${pointer.percent}%` : ''}` : 'none'
  return `${move.channel} ${name(move.from)} → ${name(move.to)}`
}

function planOrigin(plan: RolloutPlan): { file?: string; line?: number } {
  return plan.origin
    ? { file: plan.origin.file, ...(plan.origin.line ? { line: plan.origin.line } : {}) }
    : {}
}
