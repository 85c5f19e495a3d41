import { describe, expect, it } from '@jest/globals'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import { requestedProviders } from '../../../src/eval/requested-providers.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'

const builtin: AssertionSpec = {
  type: 'llm-choice',
  builtin: 'github/fluency',
  defaultModelId: 'openai/gpt-4o'
}

function prompt(assert: AssertionSpec[], grader?: { id: string }): PromptUnderTest {
  return {
    path: 'prompts/a.prompt.yml',
    status: 'added',
    suite: 'prompts/a.prompt.yml',
    reason: 'prompt added',
    head: {
      path: 'prompts/a.prompt.yml',
      ref: 'abc',
      provider: { id: 'github:openai/gpt-4o-mini' },
      parameters: {},
      messages: [{ role: 'user', content: 'hi' }]
    },
    cases: [{ id: '1', vars: {}, assert, source: { file: 'prompts/a.prompt.yml', line: 7 } }],
    ...(grader ? { grader } : {})
  } as PromptUnderTest
}

describe('requestedProviders', () => {
  it("asks for a built-in's default judge, at its row, when no grader is configured", () => {
    expect(requestedProviders([prompt([builtin])]).map(ref => ref.id)).toEqual([
      'github:openai/gpt-4o-mini',
      'github:openai/gpt-4o'
    ])
    expect(requestedProviders([prompt([builtin])])[1]?.origin).toEqual({
      file: 'prompts/a.prompt.yml',
      line: 7
    })
  })

  it('asks for the grader instead when one is configured, and for a named modelId as given', () => {
    expect(requestedProviders([prompt([builtin], { id: 'openai:grader' })]).map(ref => ref.id)).toEqual([
      'github:openai/gpt-4o-mini',
      'openai:grader'
    ])
    const named = { ...builtin, modelId: 'openai/gpt-4.1' }
    expect(requestedProviders([prompt([named])]).map(ref => ref.id)).toEqual([
      'github:openai/gpt-4o-mini',
      'github:openai/gpt-4.1'
    ])
  })
})
