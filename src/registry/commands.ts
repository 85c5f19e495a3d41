import { UserError } from '../errors.js'
import { contentDigest } from './digest.js'
import { describeVersion, resolvePrompt, resolveVersion } from './resolve.js'
import { previousStable, type PromptHistory } from './state.js'
import type { RegistryStore } from './store.js'
import { transact, type RegistryChange } from './transact.js'
import type {
  ChannelCommand,
  ChannelMovedEvent,
  ChannelName,
  ChannelPointer,
  PromptContent,
  RegistryEvent,
  VersionEval,
  VersionRecord
} from './types.js'

export interface CommandContext {
  /** Who asked: a git user, a workflow's actor, a commenter. */
  actor: string
  now?: () => Date
}

/** A prompt as evaluated at a commit, ready to register. */
export interface RegisterRequest {
  prompt: string
  name?: string
  content: PromptContent
  commit: string
  /** The evaluation's figures; the baseline names the digest compared with (its version is looked up). */
  eval:
    | (Omit<VersionEval, 'baseline'> & {
        baseline: { digest: string; deltas: Record<string, number> } | null
      })
    | null
}

export type RegisterStatus = 'registered' | 'latest-moved' | 'unchanged'

export interface RegisterOutcome {
  prompt: string
  version: number
  digest: string
  /** registered: a new version; latest-moved: known content (a revert), latest points back at it; unchanged: already latest. */
  status: RegisterStatus
}

const short = (commit: string): string => commit.slice(0, 7)

/**
 * Registers each prompt's content as a new version unless its digest is registered already; `latest`
 * follows either way, and the first version of a prompt also becomes `stable`.
 */
export async function registerVersions(
  store: RegistryStore,
  requests: RegisterRequest[],
  context: CommandContext
): Promise<{ outcomes: RegisterOutcome[]; sha?: string; moves: ChannelMovedEvent[] }> {
  const now = context.now ?? (() => new Date())
  const { result, sha } = await transact(
    store,
    async state => {
      const at = now().toISOString()
      const change: RegistryChange = { events: [], versions: [], message: '' }
      const outcomes: RegisterOutcome[] = []
      for (const request of requests) {
        const digest = contentDigest(request.content)
        const history = state.histories.get(request.prompt)
        const known = history?.versions.find(version => version.digest === digest)
        const latest = history?.channels.latest
        if (known) {
          const status: RegisterStatus = latest?.digest === digest ? 'unchanged' : 'latest-moved'
          if (status === 'latest-moved') {
            change.events.push(
              moved(request.prompt, 'latest', latest, pointer(known), at, context.actor, 'register', {
                reason: `commit ${short(request.commit)} has the content of v${known.version}`
              })
            )
          }
          outcomes.push({ prompt: request.prompt, version: known.version, digest, status })
          continue
        }
        const version = (history?.versions.length ?? 0) + 1
        const baseline = request.eval?.baseline
        const baselineVersion = baseline
          ? (history?.versions.find(candidate => candidate.digest === baseline.digest)?.version ?? null)
          : null
        const record: VersionRecord = {
          prompt: request.prompt,
          ...(request.name ? { name: request.name } : {}),
          version,
          digest,
          commit: request.commit,
          registered_at: at,
          content: request.content,
          eval: request.eval && {
            ...request.eval,
            baseline: baseline
              ? { version: baselineVersion, digest: baseline.digest, deltas: baseline.deltas }
              : null
          }
        }
        change.versions.push(record)
        const to = { version, digest }
        change.events.push({
          type: 'version_registered',
          at,
          actor: context.actor,
          prompt: request.prompt,
          ...(request.name ? { name: request.name } : {}),
          version,
          digest,
          commit: request.commit
        })
        change.events.push(
          moved(request.prompt, 'latest', latest, to, at, context.actor, 'register', {
            reason: `v${version} registered from commit ${short(request.commit)}`
          })
        )
        if (!history?.channels.stable) {
          change.events.push(
            moved(request.prompt, 'stable', undefined, to, at, context.actor, 'register', {
              reason: 'the first version of the prompt is stable until a promotion'
            })
          )
        }
        outcomes.push({ prompt: request.prompt, version, digest, status: 'registered' })
      }
      change.message = registerMessage(outcomes)
      const moves = change.events.filter(
        (event): event is ChannelMovedEvent => event.type === 'channel_moved'
      )
      return { result: { outcomes, moves }, change }
    },
    now
  )
  return sha ? { ...result, sha } : { outcomes: result.outcomes, moves: [] }
}

function registerMessage(outcomes: RegisterOutcome[]): string {
  const parts = outcomes
    .filter(outcome => outcome.status !== 'unchanged')
    .map(outcome =>
      outcome.status === 'registered'
        ? `${outcome.prompt} v${outcome.version}`
        : `${outcome.prompt} latest back to v${outcome.version}`
    )
  return `Register ${parts.join(', ')}`
}

export type ChannelRequest =
  | { command: 'promote'; prompt: string; version?: number; digest?: string }
  | { command: 'canary'; prompt: string; percent: number; version?: number; digest?: string }
  | { command: 'rollback'; prompt: string; version?: number; digest?: string }
  | { command: 'pause'; prompt: string }

export interface ChannelOutcome {
  /** The prompt's id, however the request named it. */
  prompt: string
  command: ChannelRequest['command']
  /** The events written (empty when the channels already were as asked). */
  events: ChannelMovedEvent[]
  /** One line for people: what moved, from what, to what. */
  summary: string
  sha?: string
}

/** promote, canary, rollback, pause: one commit with the moves, a fresh snapshot and flag file. */
export async function runChannelCommand(
  store: RegistryStore,
  request: ChannelRequest,
  context: CommandContext & { reason?: string }
): Promise<ChannelOutcome> {
  const now = context.now ?? (() => new Date())
  const { result, sha } = await transact(
    store,
    async state => {
      const history = resolvePrompt(state.histories, request.prompt, store.where)
      const at = now().toISOString()
      const events = planMoves(history, request, at, context)
      const outcome: ChannelOutcome = {
        prompt: history.prompt,
        command: request.command,
        events,
        summary: summarise(history.prompt, request.command, events)
      }
      if (events.length === 0) return { result: outcome }
      return {
        result: outcome,
        change: { events, versions: [], message: `${capitalise(request.command)} ${outcome.summary}` }
      }
    },
    now
  )
  return { ...result, ...(sha ? { sha } : {}) }
}

function planMoves(
  history: PromptHistory,
  request: ChannelRequest,
  at: string,
  context: CommandContext & { reason?: string }
): ChannelMovedEvent[] {
  const { stable, canary } = history.channels
  const actor = context.actor
  const reasonOr = (fallback: string): string => context.reason ?? fallback
  const clearCanary = (why: string): ChannelMovedEvent[] =>
    canary ? [moved(history.prompt, 'canary', canary, null, at, actor, request.command, { reason: why })] : []

  switch (request.command) {
    case 'promote': {
      const target = pointer(resolveVersion(history, request))
      const moves =
        stable?.digest === target.digest
          ? []
          : [
              moved(history.prompt, 'stable', stable, target, at, actor, 'promote', {
                reason: reasonOr(`promoted ${describeVersion(target)} to stable`)
              })
            ]
      return [...moves, ...clearCanary(`v${target.version} promoted to stable`)]
    }
    case 'canary': {
      const percent = request.percent
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        throw new UserError(`A canary serves 0 to 100 percent of keys, not ${percent}.`)
      }
      const target = pointer(resolveVersion(history, request))
      if (stable?.digest === target.digest) {
        throw new UserError(
          `${history.prompt} v${target.version} is already stable; a canary serves another version (register a new one first).`
        )
      }
      if (canary?.digest === target.digest && canary.percent === percent) return []
      return [
        moved(history.prompt, 'canary', canary, { ...target, percent }, at, actor, 'canary', {
          reason: reasonOr(`canary ${describeVersion(target)} at ${percent}%`)
        })
      ]
    }
    case 'rollback': {
      const explicit = request.version !== undefined || request.digest !== undefined
      const target = explicit ? pointer(resolveVersion(history, request)) : previousStable(history)
      if (!target) {
        throw new UserError(
          `${history.prompt} has had one stable version (v${stable?.version ?? 1}); there is no earlier stable to roll back to. Name one with --version.`
        )
      }
      const moves =
        stable?.digest === target.digest
          ? []
          : [
              moved(history.prompt, 'stable', stable, pointer(target), at, actor, 'rollback', {
                reason: reasonOr(`rolled back to ${describeVersion(target)}`)
              })
            ]
      return [...moves, ...clearCanary('rolled back')]
    }
    case 'pause': {
      if (!canary) throw new UserError(`${history.prompt} has no canary to pause.`)
      if (canary.percent === 0) return []
      return [
        moved(history.prompt, 'canary', canary, { ...canary, percent: 0 }, at, actor, 'pause', {
          reason: reasonOr(`canary v${canary.version} paused at 0% (was ${canary.percent}%)`)
        })
      ]
    }
  }
}

function pointer(version: { version: number; digest: string }): ChannelPointer {
  return { version: version.version, digest: version.digest }
}

function moved(
  prompt: string,
  channel: ChannelName,
  from: ChannelPointer | undefined | null,
  to: ChannelPointer | null,
  at: string,
  actor: string,
  command: ChannelCommand,
  details: { reason: string }
): ChannelMovedEvent {
  return {
    type: 'channel_moved',
    at,
    actor,
    prompt,
    channel,
    from: from ?? null,
    to,
    reason: details.reason,
    command
  }
}

function summarise(prompt: string, command: string, events: RegistryEvent[]): string {
  const moves = events.filter((event): event is ChannelMovedEvent => event.type === 'channel_moved')
  if (moves.length === 0) return `${prompt}: nothing to ${command}; the channels already are as asked`
  const parts = moves.map(move => {
    const name = (pointer?: ChannelPointer | null): string =>
      pointer
        ? `v${pointer.version}${pointer.percent !== undefined ? ` at ${pointer.percent}%` : ''}`
        : 'none'
    return `${move.channel} ${name(move.from)} → ${name(move.to)}`
  })
  return `${prompt}: ${parts.join(', ')}`
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
