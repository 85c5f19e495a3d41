import { describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../../../src/errors.js'
import {
  createNdjsonSource,
  parseMetricEvents,
  readNdjsonSource
} from '../../../src/rollout/ndjson-source.js'
import type { Guardrail } from '../../../src/rollout/types.js'

const FILE = 'metrics.ndjson'
const rate: Guardrail = { name: 'errors', kind: 'rate', bad: 'b', total: 't', maxAbsolute: 0.02 }
const latency: Guardrail = { name: 'p95', kind: 'value', value: 'v', maxRelativeIncrease: 0.2 }
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ prompt: 'p', digest: 'a', guardrail: 'errors', ...fields })
const window = (start: string, end: string) => ({
  start: new Date(start),
  end: new Date(end),
  seconds: (Date.parse(end) - Date.parse(start)) / 1000
})

function failure(text: string): string {
  try {
    parseMetricEvents(text, FILE)
  } catch (error) {
    return errorMessage(error)
  }
  throw new Error('expected a failure')
}

describe('the NDJSON metrics source', () => {
  const text = [
    line({ at: '2026-01-05T10:00:00Z', bad: 100, total: 100 }),
    line({ at: '2026-01-05T10:05:00Z', bad: 1, total: 10 }),
    line({ at: '2026-01-05T10:10:00Z', bad: 2, total: 20 }),
    line({ at: '2026-01-05T10:10:00Z', digest: 'b', bad: 9, total: 9 }),
    line({ at: '2026-01-05T10:10:00Z', guardrail: 'other', bad: 9, total: 9 }),
    '',
    line({ at: '2026-01-05T10:15:00Z', bad: 4, total: 40 }),
    line({ at: '2026-01-05T10:05:00Z', guardrail: 'p95', value: 1.5 }),
    line({ at: '2026-01-05T10:10:00Z', guardrail: 'p95', value: 1.2 })
  ].join('\n')
  const source = createNdjsonSource(parseMetricEvents(text, FILE), FILE)

  it('sums the counts with start < at <= end for the guardrail and digest', async () => {
    await expect(
      source.read(rate, 'a', window('2026-01-05T10:00:00Z', '2026-01-05T10:10:00Z'))
    ).resolves.toEqual({
      bad: 3,
      total: 30,
      rate: 0.1
    })
    await expect(
      source.read(rate, 'a', window('2026-01-05T10:05:00Z', '2026-01-05T10:15:00Z'))
    ).resolves.toEqual({
      bad: 6,
      total: 60,
      rate: 0.1
    })
    await expect(
      source.read(rate, 'b', window('2026-01-05T10:00:00Z', '2026-01-05T10:15:00Z'))
    ).resolves.toEqual({
      bad: 9,
      total: 9,
      rate: 1
    })
  })

  it('reads an empty window as no traffic and no value, not as a pass', async () => {
    const empty = window('2026-01-05T11:00:00Z', '2026-01-05T12:00:00Z')
    await expect(source.read(rate, 'a', empty)).resolves.toEqual({ bad: 0, total: 0, rate: 0 })
    await expect(source.read(latency, 'a', empty)).resolves.toEqual({ value: Number.NaN })
  })

  it('reads the last value in the window for a value guardrail', async () => {
    await expect(
      source.read(latency, 'a', window('2026-01-05T10:00:00Z', '2026-01-05T10:15:00Z'))
    ).resolves.toEqual({
      value: 1.2
    })
    await expect(
      source.read(latency, 'a', window('2026-01-05T10:00:00Z', '2026-01-05T10:07:00Z'))
    ).resolves.toEqual({
      value: 1.5
    })
  })

  it('refuses a value line for a rate guardrail at its line', async () => {
    const mixed = createNdjsonSource(
      parseMetricEvents(line({ at: '2026-01-05T10:05:00Z', value: 3 }), FILE),
      FILE
    )
    await expect(
      mixed.read(rate, 'a', window('2026-01-05T10:00:00Z', '2026-01-05T10:10:00Z'))
    ).rejects.toThrow('"errors" is a rate guardrail, but this line has a value, not counts')
  })

  it.each([
    ['not json', /^metrics\.ndjson:2: not JSON/],
    ['[1]', /^metrics\.ndjson:2: not a JSON object/],
    [
      line({ at: 'soon', bad: 1, total: 2 }),
      /^metrics\.ndjson:2: "at" must be an ISO 8601 time .*, not "soon"/
    ],
    [
      line({ at: '2026-01-05T10:00:00Z', bad: 3, total: 2 }),
      /^metrics\.ndjson:2: "bad" \(3\) is more than "total" \(2\)/
    ],
    [
      line({ at: '2026-01-05T10:00:00Z', bad: 1 }),
      /^metrics\.ndjson:2: "total" must be a whole number of 0 or more, not undefined/
    ],
    [
      line({ at: '2026-01-05T10:00:00Z', bad: -1, total: 2 }),
      /"bad" must be a whole number of 0 or more, not -1/
    ],
    [line({ at: '2026-01-05T10:00:00Z', value: 'fast' }), /"value" must be a number, not "fast"/],
    [
      line({ at: '2026-01-05T10:00:00Z', value: 1, bad: 1, total: 1 }),
      /counts \("bad", "total"\) or a "value", not both/
    ],
    [line({ at: '2026-01-05T10:00:00Z' }), /neither counts \("bad", "total"\) nor a "value"/],
    [line({ at: '2026-01-05T10:00:00Z', value: 1, digest: '' }), /"digest" must be a non-empty string/],
    [line({ at: '2026-01-05T10:00:00Z', value: 1, colour: 'red' }), /unknown key "colour"/],
    [
      line({ at: '2026-01-05T10:00:00Z', value: 1, side: 'left' }),
      /"side" must be "stable" or "canary", not "left"/
    ]
  ])('names file:line for the bad line %s', (bad, message) => {
    const good = line({ at: '2026-01-05T10:00:00Z', bad: 1, total: 2 })
    expect(failure(`${good}\n${bad}\n`)).toMatch(message)
  })

  it('names a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptgate-ndjson-'))
    await expect(readNdjsonSource(join(dir, 'none.ndjson'), 'none.ndjson')).rejects.toThrow(
      'cannot read the metrics file: ENOENT; check the path'
    )
    await writeFile(join(dir, 'ok.ndjson'), `${line({ at: '2026-01-05T10:00:00Z', bad: 1, total: 2 })}\n`)
    const { events, source } = await readNdjsonSource(join(dir, 'ok.ndjson'))
    expect(events).toHaveLength(1)
    expect(source.describe).toContain('ok.ndjson')
  })
})
