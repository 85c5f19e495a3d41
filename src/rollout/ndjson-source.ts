import { readFile } from 'node:fs/promises'
import { UserError } from '../errors.js'
import type { Guardrail, MetricsSource, MetricWindow, SideReading } from './types.js'

/** One line of a metrics NDJSON file: counts since the previous line for the same key, or a value. */
export interface MetricEvent {
  at: Date
  prompt: string
  digest: string
  guardrail: string
  bad?: number
  total?: number
  value?: number
  /** Optional: which side the digest served (`rollout simulate` reads it; see simulate.ts). */
  side?: 'stable' | 'canary'
  line: number
}

const KEYS = new Set(['at', 'prompt', 'digest', 'guardrail', 'bad', 'total', 'value', 'side'])
const LINE_SHAPE =
  'each line is {"at": ISO time, "prompt", "digest", "guardrail", "bad" and "total" (counts since the previous line) or "value"}'

function parseLine(text: string, file: string, line: number): MetricEvent {
  const fail = (problem: string) => new UserError(`${problem}; ${LINE_SHAPE}`, { file, line })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw fail(`not JSON (${(error as Error).message})`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('not a JSON object')
  const record = parsed as Record<string, unknown>
  const unknown = Object.keys(record).filter(key => !KEYS.has(key))
  if (unknown.length > 0) throw fail(`unknown key "${unknown[0]}"`)
  for (const key of ['prompt', 'digest', 'guardrail'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '')
      throw fail(`"${key}" must be a non-empty string`)
  }
  const at = typeof record['at'] === 'string' ? new Date(record['at']) : undefined
  if (!at || Number.isNaN(at.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(record['at'] as string))
    throw fail(
      `"at" must be an ISO 8601 time such as 2026-01-05T10:00:00Z, not ${JSON.stringify(record['at'])}`
    )
  const event: MetricEvent = {
    at,
    prompt: record['prompt'] as string,
    digest: record['digest'] as string,
    guardrail: record['guardrail'] as string,
    line
  }
  const hasCounts = record['bad'] !== undefined || record['total'] !== undefined
  if (hasCounts && record['value'] !== undefined)
    throw fail('a line has counts ("bad", "total") or a "value", not both')
  if (hasCounts) {
    for (const key of ['bad', 'total'] as const) {
      const count = record[key]
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        throw fail(`"${key}" must be a whole number of 0 or more, not ${JSON.stringify(count)}`)
    }
    event.bad = record['bad'] as number
    event.total = record['total'] as number
    if (event.bad > event.total) throw fail(`"bad" (${event.bad}) is more than "total" (${event.total})`)
  } else if (record['value'] !== undefined) {
    if (typeof record['value'] !== 'number' || !Number.isFinite(record['value']))
      throw fail(`"value" must be a number, not ${JSON.stringify(record['value'])}`)
    event.value = record['value']
  } else {
    throw fail('the line has neither counts ("bad", "total") nor a "value"')
  }
  if (record['side'] !== undefined) {
    if (record['side'] !== 'stable' && record['side'] !== 'canary')
      throw fail(`"side" must be "stable" or "canary", not ${JSON.stringify(record['side'])}`)
    event.side = record['side']
  }
  return event
}

/** Every event of an NDJSON text, in file order; blank lines are skipped, a bad line is a UserError at file:line. */
export function parseMetricEvents(text: string, file: string): MetricEvent[] {
  return text
    .split('\n')
    .map((content, index) => ({ content: content.trim(), line: index + 1 }))
    .filter(({ content }) => content !== '')
    .map(({ content, line }) => parseLine(content, file, line))
}

/**
 * A MetricsSource over recorded events. A rate guardrail sums the counts of the lines with
 * start < at <= end for its name and the digest; a value guardrail reads the last value in the
 * window. A window with no lines reads as no traffic (0 of 0) or no value (NaN): a hold, never a pass.
 */
export function createNdjsonSource(events: readonly MetricEvent[], file: string): MetricsSource {
  return {
    describe: `the NDJSON file ${file}`,
    async read(guardrail: Guardrail, digest: string, window: MetricWindow): Promise<SideReading> {
      const inWindow = events.filter(
        event =>
          event.guardrail === guardrail.name &&
          event.digest === digest &&
          event.at.getTime() > window.start.getTime() &&
          event.at.getTime() <= window.end.getTime()
      )
      if (guardrail.kind === 'rate') {
        const wrong = inWindow.find(event => event.total === undefined)
        if (wrong)
          throw new UserError(
            `"${guardrail.name}" is a rate guardrail, but this line has a value, not counts`,
            {
              file,
              line: wrong.line
            }
          )
        const bad = inWindow.reduce((sum, event) => sum + event.bad!, 0)
        const total = inWindow.reduce((sum, event) => sum + event.total!, 0)
        return { bad, total, rate: total > 0 ? bad / total : 0 }
      }
      const wrong = inWindow.find(event => event.value === undefined)
      if (wrong)
        throw new UserError(
          `"${guardrail.name}" is a value guardrail, but this line has counts, not a value`,
          {
            file,
            line: wrong.line
          }
        )
      const last = inWindow.reduce<MetricEvent | undefined>(
        (latest, event) => (latest === undefined || event.at >= latest.at ? event : latest),
        undefined
      )
      return { value: last?.value ?? Number.NaN }
    }
  }
}

/** Reads and checks an NDJSON metrics file; a missing file is a UserError naming it. */
export async function readNdjsonSource(
  path: string,
  shownAs = path
): Promise<{ source: MetricsSource; events: MetricEvent[] }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UserError(
      `cannot read the metrics file: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check the path`,
      {
        file: shownAs
      }
    )
  }
  const events = parseMetricEvents(text, shownAs)
  return { source: createNdjsonSource(events, shownAs), events }
}

/** The config's `rollout.metrics.ndjson` for a watch: the file is read at the first reading, then kept. */
export function ndjsonFileSource(path: string): MetricsSource {
  let loaded: Promise<MetricsSource> | undefined
  return {
    describe: `the metrics file ${path}`,
    read: async (guardrail, digest, window) => {
      loaded ??= readNdjsonSource(path).then(({ source }) => source)
      return (await loaded).read(guardrail, digest, window)
    }
  }
}
