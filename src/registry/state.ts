import { isKnownEvent } from './events.js'
import type { ChannelMovedEvent, ChannelPointer, PromptChannels, RegistryEvent } from './types.js'

export interface RegisteredVersion {
  version: number
  digest: string
  commit: string
  at: string
  /** The prompt's `name`, when it has one; a comment may name the prompt by it. */
  name?: string
}

/** One prompt's state, folded from the events. */
export interface PromptHistory {
  prompt: string
  /** In registration order: `versions[n - 1]` is version n. */
  versions: RegisteredVersion[]
  channels: PromptChannels
  /** The stables in the order they were set, current last; a rollback pops it. */
  stables: ChannelPointer[]
  events: RegistryEvent[]
}

export type RegistryHistory = Map<string, PromptHistory>

/** Folds the audit trail into the channels; the events are the one source of truth. */
export function foldEvents(events: RegistryEvent[], into: RegistryHistory = new Map()): RegistryHistory {
  for (const event of events) {
    if (!isKnownEvent(event) || typeof event.prompt !== 'string') continue
    const history = historyOf(into, event.prompt)
    history.events.push(event)
    if (event.type === 'version_registered') {
      history.versions.push({
        version: event.version,
        digest: event.digest,
        commit: event.commit,
        at: event.at,
        ...(typeof event.name === 'string' ? { name: event.name } : {})
      })
    } else if (event.type === 'channel_moved') {
      moveChannel(history, event)
    }
  }
  return into
}

function historyOf(histories: RegistryHistory, prompt: string): PromptHistory {
  let history = histories.get(prompt)
  if (!history) {
    history = { prompt, versions: [], channels: {}, stables: [], events: [] }
    histories.set(prompt, history)
  }
  return history
}

function moveChannel(history: PromptHistory, event: ChannelMovedEvent): void {
  if (event.to) history.channels[event.channel] = event.to
  else delete history.channels[event.channel]
  if (event.channel !== 'stable' || !event.to) return
  const to = event.to
  if (event.command === 'rollback') {
    history.stables.pop()
    if (history.stables.at(-1)?.digest !== to.digest) history.stables.push(to)
  } else if (history.stables.at(-1)?.digest !== to.digest) {
    history.stables.push(to)
  }
}

/** The stable a rollback returns to: the one set before the current stable. */
export function previousStable(history: PromptHistory): ChannelPointer | undefined {
  return history.stables.at(-2)
}
