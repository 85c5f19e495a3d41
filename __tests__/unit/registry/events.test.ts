import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { appendEvents, parseEvents } from '../../../src/registry/events.js'
import { foldEvents } from '../../../src/registry/state.js'

const registered = (version: number) =>
  JSON.stringify({
    type: 'version_registered',
    at: '2026-12-01T10:00:00Z',
    actor: 'a',
    prompt: 'p',
    version,
    digest: `d${version}`,
    commit: 'c'
  })

describe('events.ndjson', () => {
  it('names the damaged line and says how to recover, never skipping it', () => {
    const text = `${registered(1)}\n{"type": "channel_mo\n${registered(2)}\n`
    let error: unknown
    try {
      parseEvents(text, 'the branch promptgate/registry')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).describe()).toMatch(
      /^events\.ndjson:2: events\.ndjson on the branch promptgate\/registry has a line that is not an event .* restore it from the branch history/
    )
    expect(() => parseEvents(`${registered(1)}\n[1, 2]\n`, 'x')).toThrow('not an event')
  })

  it('keeps event types from a newer promptgate without letting them move channels', () => {
    const events = parseEvents(`${registered(1)}\n{"type":"future_thing","prompt":"p"}\n`, 'x')
    expect(events).toHaveLength(2)
    expect(foldEvents(events).get('p')?.versions).toHaveLength(1)
  })

  it('appends after a last line that lacks its newline, never joining two events', () => {
    const appended = appendEvents(registered(1), parseEvents(registered(2), 'x'))
    expect(
      appended
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line).version)
    ).toEqual([1, 2])
    expect(appended.endsWith('\n')).toBe(true)
  })
})
