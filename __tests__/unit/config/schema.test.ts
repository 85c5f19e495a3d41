import { describe, expect, it } from '@jest/globals'
import schema from '../../../schema/promptgate.schema.json' with { type: 'json' }
import { schemaValidator } from '../../../src/config/schema.js'

type SchemaNode = { properties?: Record<string, { title?: string; description?: string }> }

function undocumentedProperties(node: unknown, path = '#'): string[] {
  if (node === null || typeof node !== 'object') return []
  const found: string[] = []
  const { properties } = node as SchemaNode
  for (const [name, property] of Object.entries(properties ?? {})) {
    if (!property.title || !property.description) found.push(`${path}/properties/${name}`)
  }
  for (const [key, child] of Object.entries(node))
    found.push(...undocumentedProperties(child, `${path}/${key}`))
  return found
}

describe('the config schema', () => {
  it('gives every property a title and a description, for editors', () => {
    expect(undocumentedProperties(schema)).toEqual([])
  })

  it('accepts the example from the design document', () => {
    const validate = schemaValidator()
    const example = {
      version: 1,
      provider: { id: 'openai:gpt-4o-mini', base_url: 'http://localhost:11434/v1', temperature: 0 },
      concurrency: 8,
      thresholds: { pass_rate: { max_drop: 0 } },
      suites: [
        {
          name: 'triage',
          prompts: ['prompts/triage/*.md'],
          tests: 'evals/triage.jsonl',
          assert: [{ type: 'icontains', value: '{{expected}}' }],
          thresholds: { pass_rate: { min: 0.9, max_drop: 0.02 }, levenshtein: { max_drop: 0.05 } }
        }
      ]
    }
    expect(validate(example)).toBe(true)
  })

  it('lets assertions carry type-specific fields and test cases without vars be vars', () => {
    const validate = schemaValidator('testCase')
    expect(validate({ question: 'hi', anything: [1] })).toBe(true)
    expect(validate({ vars: {}, assert: [{ type: 'llm-choice', choices: ['a'], prompt: 'p' }] })).toBe(true)
    expect(validate({ vars: {}, extra: 1 })).toBe(false)
  })
})
