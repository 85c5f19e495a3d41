import type { ChannelMovedEvent, ChannelName, ChannelPointer } from '../registry/types.js'

/** A `channel_moved` event written by the rollout (command `rollout`). */
export function rolloutMove(
  prompt: string,
  channel: ChannelName,
  from: ChannelPointer | undefined,
  to: ChannelPointer | null,
  context: { at: string; actor: string; reason: string }
): ChannelMovedEvent {
  return {
    type: 'channel_moved',
    at: context.at,
    actor: context.actor,
    prompt,
    channel,
    from: from ?? null,
    to,
    reason: context.reason,
    command: 'rollout'
  }
}

/** The `at` of the move that put the canary where it is now: when its current stage began. */
export function stageStart(
  events: readonly { type: string; channel?: unknown; at: string }[]
): string | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]
    if (event?.type === 'channel_moved' && event.channel === 'canary') return event.at
  }
  return undefined
}
