import { UserError } from '../errors.js'
import { REGISTRY_FILES, type RegistryEvent } from './types.js'

const KNOWN_TYPES = new Set(['version_registered', 'channel_moved', 'rollout_decision'])

/**
 * Reads `events.ndjson`. A line that is not a JSON object with a `type` is an error that names the line:
 * the file is the audit trail, so nothing is skipped silently. Types from a newer promptgate are kept.
 */
export function parseEvents(text: string, where: string): RegistryEvent[] {
  const events: RegistryEvent[] = []
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      value = undefined
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !('type' in value)) {
      throw new UserError(
        `${REGISTRY_FILES.events} on ${where} has a line that is not an event (a JSON object with a "type"). ` +
          'The file is append-only: restore it from the branch history (git log -p on the registry branch) and retry.',
        { file: REGISTRY_FILES.events, line: index + 1 }
      )
    }
    events.push(value as RegistryEvent)
  })
  return events
}

/** Only the event types this version understands take part in the channel state. */
export function isKnownEvent(event: RegistryEvent): boolean {
  return KNOWN_TYPES.has(event.type)
}

/** The text to append: one object a line, each line ending in a newline. */
export function serialiseEvents(events: RegistryEvent[]): string {
  return events.map(event => `${JSON.stringify(event)}\n`).join('')
}

/** Appends to the old text; a text without a final newline gets one first, so no line is ever joined. */
export function appendEvents(existing: string, events: RegistryEvent[]): string {
  const base = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`
  return base + serialiseEvents(events)
}
