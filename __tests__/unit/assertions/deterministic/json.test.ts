import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

const PERSON = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }
}

describe('is-json', () => {
  it('needs the whole output to be JSON', async () => {
    expect(await check({ type: 'is-json' }, ' {"a": [1, 2]} ')).toMatchObject({ pass: true, score: 1 })
    expect((await check({ type: 'is-json' }, '"just a string"')).pass).toBe(true)
    expect(await check({ type: 'is-json' }, '```json\n{"a": 1}\n```')).toMatchObject({
      pass: false,
      score: 0
    })
    expect((await check({ type: 'is-json' }, '')).pass).toBe(false)
  })

  it('validates against a schema value and lists the first errors', async () => {
    const spec = { type: 'is-json', value: PERSON }
    expect((await check(spec, '{"name": "Ada", "age": 36}')).pass).toBe(true)
    const outcome = await check(spec, '{"age": -1.5}')
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(outcome.reason).toContain("(root) must have required property 'name'")
    expect(outcome.reason).toContain('/age must be integer')
  })

  it('parses a schema given as YAML or JSON text', async () => {
    const yaml = { type: 'is-json', value: 'type: object\nrequired: [name]' }
    expect((await check(yaml, '{"name": "x"}')).pass).toBe(true)
    expect((await check(yaml, '{"age": 3}')).pass).toBe(false)
    const json = { type: 'is-json', value: '{"type": "array", "maxItems": 2}' }
    expect((await check(json, '[1, 2, 3]')).pass).toBe(false)
  })

  it('reports a broken schema as a user error', async () => {
    await expect(check({ type: 'is-json', value: { type: 'objekt' } }, '{}')).rejects.toThrow(UserError)
    await expect(check({ type: 'is-json', value: { typo: 'object' } }, '{}')).rejects.toThrow(/strict mode/)
    await expect(check({ type: 'is-json', value: 'file://schemas/person.json' }, '{}')).rejects.toThrow(
      /not loaded/
    )
    await expect(check({ type: 'is-json', value: 42 }, '{}')).rejects.toThrow(UserError)
  })
})

describe('is-valid-json-schema and json-schema', () => {
  it('validate the output against the schema', async () => {
    for (const type of ['is-valid-json-schema', 'json-schema']) {
      expect((await check({ type, value: PERSON }, '{"name": "Ada"}')).pass).toBe(true)
      expect((await check({ type, value: PERSON }, '{"name": 7}')).reason).toContain('/name must be string')
      expect((await check({ type, value: PERSON }, 'not json')).reason).toBe(
        'Expected output to be valid JSON'
      )
    }
  })

  it('need a schema', async () => {
    await expect(check({ type: 'json-schema' }, '{}')).rejects.toThrow(/needs a JSON schema/)
  })
})

describe('contains-json', () => {
  it('finds JSON in a markdown code fence or in prose', async () => {
    const fenced = 'Here you go:\n```json\n{"a": [1, 2], "b": {"c": "}"}}\n```\nAnything else?'
    expect(await check({ type: 'contains-json' }, fenced)).toMatchObject({ pass: true, score: 1 })
    expect((await check({ type: 'contains-json' }, 'The result is {"ok": true}.')).pass).toBe(true)
  })

  it('fails when there is no JSON object', async () => {
    for (const output of ['', 'No JSON here.', '[1, 2, 3]', 'a } b {']) {
      expect(await check({ type: 'contains-json' }, output)).toMatchObject({ pass: false, score: 0 })
    }
  })

  it('forgives comments and trailing commas, as promptfoo does', async () => {
    expect((await check({ type: 'contains-json' }, '{"a": 1, // the count\n"b": [1, 2,],}')).pass).toBe(true)
  })

  it('does not take a template placeholder or a cut-off object for JSON', async () => {
    expect((await check({ type: 'contains-json' }, 'Use {name} here.')).pass).toBe(false)
    expect((await check({ type: 'contains-json' }, 'cut off: {"a": 1, "b": 2')).pass).toBe(false)
  })

  it('passes when any object found conforms to the schema', async () => {
    const spec = { type: 'contains-json', value: { type: 'object', required: ['y'] } }
    expect((await check(spec, 'first {"x": 1} then {"y": 2}')).pass).toBe(true)
    const outcome = await check(spec, 'first {"x": 1} then {"z": 2}')
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(outcome.reason).toContain("must have required property 'y'")
  })

  it('handles unicode inside the JSON', async () => {
    expect((await check({ type: 'contains-json' }, 'Résumé: {"nom": "Zoë 👋"}')).pass).toBe(true)
  })
})

describe('schema formats', () => {
  it('checks formats as promptfoo does, with ajv-formats', async () => {
    const spec = { type: 'is-json', value: { type: 'string', format: 'email' } }
    expect((await check(spec, '"a@b.c"')).pass).toBe(true)
    expect((await check(spec, '"not an address"')).pass).toBe(false)
  })
})
