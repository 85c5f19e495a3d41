import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { parseSnapshot } from '../../../src/runtime/parse-snapshot.js'
import { registrySnapshot, TRIAGE } from '../../helpers/registry-snapshot.js'

const schema = JSON.parse(readFileSync('schema/registry-snapshot.schema.json', 'utf8'))
// strictTypes: the schema's canary (allOf + required, no `type`) is valid draft-07 that ajv's strict mode warns about.
const ajv = new Ajv({ allErrors: true, strictTypes: false })
addFormats.default(ajv)
const validate = ajv.compile(schema)

type Snapshot = ReturnType<typeof registrySnapshot>

// Each mutation breaks the published schema; the loader must refuse the same file.
const BROKEN: Array<[string, (snapshot: Snapshot) => void]> = [
  ['schema_version 2', s => ((s as { schema_version: number }).schema_version = 2)],
  ['no prompts', s => delete (s as Partial<Snapshot>).prompts],
  ['a digest that is not sha256', s => (s.prompts[TRIAGE]!.channels.stable!.digest = 'md5:abc')],
  ['a version 0', s => (s.prompts[TRIAGE]!.channels.stable!.version = 0)],
  ['a canary without percent', s => delete s.prompts[TRIAGE]!.channels.canary!.percent],
  ['a canary at 101%', s => (s.prompts[TRIAGE]!.channels.canary!.percent = 101)],
  [
    'an unknown channel',
    s => ((s.prompts[TRIAGE]!.channels as Record<string, unknown>).beta = s.prompts[TRIAGE]!.channels.stable)
  ],
  [
    'a message without content',
    s =>
      delete (
        Object.values(s.prompts[TRIAGE]!.versions)[0]!.content.messages[0] as Partial<{ content: string }>
      ).content
  ],
  [
    'a role the schema does not know',
    s =>
      ((Object.values(s.prompts[TRIAGE]!.versions)[0]!.content.messages[0] as { role: string }).role = 'tool')
  ],
  ['no messages', s => (Object.values(s.prompts[TRIAGE]!.versions)[0]!.content.messages = [])],
  [
    'no model',
    s => delete (Object.values(s.prompts[TRIAGE]!.versions)[0]!.content as Partial<{ model: string }>).model
  ]
]

describe('parseSnapshot', () => {
  it('accepts a snapshot the published schema accepts', () => {
    const snapshot = registrySnapshot({ stable: 3, canary: { version: 4, percent: 5 } })
    expect(validate(snapshot)).toBe(true)
    expect(parseSnapshot(JSON.stringify(snapshot))).toEqual(snapshot)
  })

  it.each(BROKEN)('refuses what the schema refuses: %s', (_name, breakIt) => {
    const snapshot = registrySnapshot({ stable: 3, canary: { version: 4, percent: 5 } })
    breakIt(snapshot)
    expect(validate(snapshot)).toBe(false)
    expect(() => parseSnapshot(JSON.stringify(snapshot))).toThrow()
  })

  it('says where a snapshot is wrong', () => {
    const snapshot = registrySnapshot({ stable: 3, canary: { version: 4, percent: 5 } })
    snapshot.prompts[TRIAGE]!.channels.canary!.percent = 101
    expect(() => parseSnapshot(JSON.stringify(snapshot))).toThrow(
      `prompts["${TRIAGE}"].channels.canary.percent is not a number from 0 to 100`
    )
    expect(() => parseSnapshot('[]')).toThrow('not a JSON object')
    expect(() => parseSnapshot('')).toThrow('not JSON')
  })
})
