import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import type { TestCase } from '../../../src/datasets/types.js'
import { UserError } from '../../../src/errors.js'
import { hashCall, stableStringify } from '../../../src/eval/hash.js'
import { planEvaluation } from '../../../src/eval/plan.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import type { PromptVersion } from '../../../src/prompts/types.js'

function version(overrides: Partial<PromptVersion> = {}): PromptVersion {
  return {
    path: 'prompts/summarize.prompt.yml',
    ref: 'a'.repeat(40),
    provider: { id: 'github:openai/gpt-4o-mini' },
    parameters: { temperature: 0 },
    messages: [
      { role: 'system', content: 'Summarize.' },
      { role: 'user', content: 'Text: {{text}}' }
    ],
    ...overrides
  }
}

function testCase(id: string, vars: Record<string, unknown>): TestCase {
  return { id, vars, assert: [], source: { file: 'prompts/summarize.prompt.yml', line: 10 + Number(id) } }
}

function prompt(overrides: Partial<PromptUnderTest> = {}): PromptUnderTest {
  return {
    path: 'prompts/summarize.prompt.yml',
    status: 'modified',
    suite: 'prompts/summarize.prompt.yml',
    reason: 'prompt changed',
    base: version({ ref: 'b'.repeat(40) }),
    head: version({ messages: [{ role: 'user', content: 'Summarize briefly: {{text}}' }] }),
    cases: [testCase('1', { text: 'one' }), testCase('2', { text: 'two' })],
    thresholds: {},
    ...overrides
  }
}

describe('planEvaluation', () => {
  it('renders each side for each case of the head', () => {
    const planned = planEvaluation([prompt()])
    expect(planned.map(call => [call.side, call.caseId, call.request.messages.at(-1)?.content])).toEqual([
      ['base', '1', 'Text: one'],
      ['base', '2', 'Text: two'],
      ['head', '1', 'Summarize briefly: one'],
      ['head', '2', 'Summarize briefly: two']
    ])
    expect(planned[0]).toMatchObject({
      promptIndex: 0,
      caseIndex: 0,
      path: 'prompts/summarize.prompt.yml',
      provider: { id: 'github:openai/gpt-4o-mini' },
      request: { parameters: { temperature: 0 } }
    })
  })

  it('runs only the head of an added prompt and nothing of a removed one', () => {
    const planned = planEvaluation([
      prompt({ status: 'removed', head: undefined }),
      prompt({ status: 'added', base: undefined })
    ])
    expect(planned.map(call => [call.promptIndex, call.side])).toEqual([
      [1, 'head'],
      [1, 'head']
    ])
  })

  it('renders a renamed prompt from its base path', () => {
    const renamed = prompt({
      status: 'renamed',
      previousPath: 'old.prompt.yml',
      base: version({ path: 'old.prompt.yml' })
    })
    expect(planEvaluation([renamed]).map(call => call.path)).toEqual([
      'old.prompt.yml',
      'old.prompt.yml',
      'prompts/summarize.prompt.yml',
      'prompts/summarize.prompt.yml'
    ])
  })

  it('carries the response format, and the JSON schema only for json_schema', () => {
    const schema = '{"name":"s","schema":{"type":"object"}}'
    const planned = planEvaluation([
      prompt({
        base: version({ responseFormat: 'json_object', jsonSchema: schema }),
        head: version({ responseFormat: 'json_schema', jsonSchema: schema })
      })
    ])
    expect(planned[0]!.request).not.toHaveProperty('jsonSchema')
    expect(planned[0]!.request.responseFormat).toBe('json_object')
    expect(planned[2]!.request).toMatchObject({ responseFormat: 'json_schema', jsonSchema: schema })
  })

  it('gives identical renderings the same hash and different ones different hashes', () => {
    const same = prompt({ head: version() })
    const planned = planEvaluation([same])
    expect(planned[0]!.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(planned[0]!.hash).toBe(planned[2]!.hash)
    expect(planned[1]!.hash).toBe(planned[3]!.hash)
    expect(planned[0]!.hash).not.toBe(planned[1]!.hash)
  })

  it("puts the provider, base URL, key's variable, parameters, response format and messages into the hash", () => {
    const request = { messages: [{ role: 'user' as const, content: 'hi' }], parameters: { temperature: 0 } }
    const base = hashCall({ id: 'openai:gpt-4o-mini' }, request)
    const variants = [
      hashCall({ id: 'openai:gpt-4o' }, request),
      hashCall({ id: 'openai:gpt-4o-mini', baseUrl: 'http://localhost:11434/v1' }, request),
      // Another key may be another account, with another model behind the same name.
      hashCall({ id: 'openai:gpt-4o-mini', apiKeyEnv: 'TEAM_B_OPENAI_KEY' }, request),
      hashCall({ id: 'openai:gpt-4o-mini' }, { ...request, parameters: { temperature: 1 } }),
      hashCall({ id: 'openai:gpt-4o-mini' }, { ...request, responseFormat: 'json_object' }),
      hashCall(
        { id: 'openai:gpt-4o-mini' },
        { ...request, responseFormat: 'json_schema', jsonSchema: { a: 1 } }
      ),
      hashCall({ id: 'openai:gpt-4o-mini' }, { ...request, messages: [{ role: 'system', content: 'hi' }] })
    ]
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1)
    // Key order doesn't change what the model answers.
    expect(
      hashCall({ id: 'openai:gpt-4o-mini' }, { parameters: { temperature: 0 }, messages: request.messages })
    ).toBe(base)
  })

  it('plans each sample of a repeated case as its own call, one after another', () => {
    const planned = planEvaluation([prompt({ repeat: 3, cases: [testCase('1', { text: 'one' })] })])
    expect(planned.map(call => [call.side, call.caseId, call.repeat])).toEqual([
      ['base', '1', 0],
      ['base', '1', 1],
      ['base', '1', 2],
      ['head', '1', 0],
      ['head', '1', 1],
      ['head', '1', 2]
    ])
    expect(new Set(planned.map(call => call.hash)).size).toBe(6)
    expect(planned[1]!.request).toEqual(planned[0]!.request)
  })

  it('puts the repeat index into the hash, and leaves the hash of the first sample as it was', () => {
    const request = { messages: [{ role: 'user' as const, content: 'hi' }], parameters: { temperature: 0.7 } }
    const provider = { id: 'openai:gpt-4o-mini' }
    expect(hashCall(provider, request, 0)).toBe(hashCall(provider, request))
    expect(hashCall(provider, request, 1)).not.toBe(hashCall(provider, request))
    expect(hashCall(provider, request, 2)).not.toBe(hashCall(provider, request, 1))
    // Pinned: cached results of runs without repeats keep their keys.
    expect(hashCall(provider, request)).toBe(
      createHash('sha256')
        .update(
          '{"apiKeyEnv":null,"baseUrl":null,"jsonSchema":null,"messages":[["user","hi"]],' +
            '"parameters":{"temperature":0.7},"provider":"openai:gpt-4o-mini","responseFormat":"text","v":2}'
        )
        .digest('hex')
    )
  })

  it.each([0, -2, 2.5, Number.NaN])('refuses repeat %p, naming the prompt', repeat => {
    expect(() => planEvaluation([prompt({ repeat })])).toThrow(
      /^repeat must be a whole number of at least 1, not .* \(prompts\/summarize\.prompt\.yml\)$/
    )
  })

  it('stringifies with sorted keys and without undefined members', () => {
    expect(stableStringify({ b: 1, a: { d: [1, undefined], c: undefined } })).toBe(
      '{"a":{"d":[1,null]},"b":1}'
    )
  })

  it('throws the template error of the head, naming the file and test data row, before anything runs', () => {
    const broken = prompt({ cases: [testCase('1', { text: 'one' }), testCase('2', { other: 'x' })] })
    let error: unknown
    try {
      planEvaluation([broken])
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).file).toBe('prompts/summarize.prompt.yml')
    expect((error as UserError).message).toContain('{{text}}')
    expect((error as UserError).message).toContain('testData row 2')
  })

  it('says when the base version cannot render the head test data', () => {
    const renamedVar = prompt({
      base: version({ ref: 'b'.repeat(40), messages: [{ role: 'user', content: 'Old: {{body}}' }] }),
      head: version({ messages: [{ role: 'user', content: 'New: {{text}}' }] })
    })
    expect(() => planEvaluation([renamedVar])).toThrow(
      /^base version \(bbbbbbb\): the placeholder \{\{body\}\}.*head's test data$/
    )
  })
})
