import { resolvePrompt } from './resolve.js'
import type { RegistryState } from './transact.js'
import type { ChannelMovedEvent, PromptChannels, RegistryEvent } from './types.js'

/** How many of a prompt's most recent events `show` lists. */
export const SHOWN_EVENTS = 10

export interface ShownVersion {
  version: number
  digest: string
  registered_at: string
  commit: string
  metrics: Record<string, { value: number; n: number }>
}

/** `show --json`: a contract other tools read. */
export interface ShowJson {
  prompts: Record<string, { channels: PromptChannels; versions: ShownVersion[]; events: RegistryEvent[] }>
}

export async function showRegistry(state: RegistryState, where: string, prompt?: string): Promise<ShowJson> {
  const histories = prompt ? [resolvePrompt(state.histories, prompt, where)] : [...state.histories.values()]
  const prompts: ShowJson['prompts'] = {}
  for (const history of histories.sort((a, b) => a.prompt.localeCompare(b.prompt))) {
    const versions: ShownVersion[] = []
    for (const registered of history.versions) {
      const record = await state.version(registered.digest)
      versions.push({
        version: registered.version,
        digest: registered.digest,
        registered_at: registered.at,
        commit: registered.commit,
        metrics: record?.eval?.metrics ?? {}
      })
    }
    prompts[history.prompt] = {
      channels: history.channels,
      versions,
      events: history.events.slice(-SHOWN_EVENTS)
    }
  }
  return { prompts }
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map(row => (row[index] ?? '').length))) ?? []
  return rows
    .map(row =>
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

function channelsOf(version: number, channels: PromptChannels): string {
  return (['stable', 'canary', 'latest'] as const)
    .filter(name => channels[name]?.version === version)
    .map(name => (name === 'canary' ? `canary ${channels.canary?.percent ?? 0}%` : name))
    .join(', ')
}

function describeEvent(event: RegistryEvent): string {
  if (event.type === 'version_registered')
    return `registered v${event.version} from ${event.commit.slice(0, 7)}`
  if (event.type === 'channel_moved') {
    const move = event as ChannelMovedEvent
    const name = (pointer: ChannelMovedEvent['from']): string =>
      pointer ? `v${pointer.version}${pointer.percent !== undefined ? ` ${pointer.percent}%` : ''}` : 'none'
    return `${move.channel} ${name(move.from)} → ${name(move.to)}: ${move.reason}`
  }
  return `${event.type}${typeof event.decision === 'string' ? ` ${event.decision}` : ''}`
}

/** The table people read: per prompt, its versions with their scores and channels, then the last events. */
export function renderShow(shown: ShowJson): string {
  const ids = Object.keys(shown.prompts)
  if (ids.length === 0) return 'The registry has no prompt yet.'
  return ids
    .map(id => {
      const prompt = shown.prompts[id]
      if (!prompt) return ''
      const metricNames = [
        ...new Set(prompt.versions.flatMap(version => Object.keys(version.metrics)))
      ].sort()
      const rows = [
        ['version', 'digest', 'commit', 'registered', ...metricNames, 'channels'],
        ...prompt.versions.map(version => [
          `v${version.version}`,
          version.digest.slice(0, 15),
          version.commit.slice(0, 7),
          version.registered_at.slice(0, 16).replace('T', ' '),
          ...metricNames.map(name => {
            const metric = version.metrics[name]
            return metric ? `${Number(metric.value.toFixed(3))} (n=${metric.n})` : '–'
          }),
          channelsOf(version.version, prompt.channels)
        ])
      ]
      const events = prompt.events.map(
        event => `  ${event.at.slice(0, 19).replace('T', ' ')}  ${event.actor}  ${describeEvent(event)}`
      )
      return [id, columns(rows), '', `last ${events.length} event(s):`, ...events].join('\n')
    })
    .join('\n\n')
}
