import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createProviderRegistry } from '../../../src/providers/index.js'
import { requireTrustedProvider, type ProviderTrust } from '../../../src/providers/trust.js'
import type { ProviderRef } from '../../../src/prompts/types.js'

const TRUST: ProviderTrust = {
  source: "the base branch's .github/promptgate.yml",
  reason: 'Under pull_request_target',
  trusted: [
    { id: 'openai:gpt-4o-mini', baseUrl: 'http://127.0.0.1:8080/v1/', apiKeyEnv: 'LLM_KEY' },
    { id: 'command:python3 eval.py' },
    { id: 'anthropic:claude-haiku-4' }
  ]
}

function refusal(ref: ProviderRef): UserError {
  try {
    requireTrustedProvider(ref, TRUST)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error(`${ref.id} was allowed`)
}

describe('requireTrustedProvider', () => {
  it.each<[string, ProviderRef]>([
    [
      'another model at the trusted URL with the trusted key',
      { id: 'openai:gpt-4o', baseUrl: 'http://127.0.0.1:8080/v1', apiKeyEnv: 'LLM_KEY' }
    ],
    ['the trusted command, exactly', { id: 'command:python3 eval.py' }],
    ['the default Anthropic endpoint and key the config names', { id: 'anthropic:claude-sonnet-4' }],
    [
      'any github: model, whatever URL or key it names',
      { id: 'github:openai/gpt-4o', baseUrl: 'https://evil.example', apiKeyEnv: 'X' }
    ]
  ])('allows %s', (_what, ref) => {
    expect(() => requireTrustedProvider(ref, TRUST)).not.toThrow()
  })

  it.each<[string, ProviderRef]>([
    ['another command', { id: 'command:python3 eval.py; curl evil' }],
    [
      'the trusted URL with another key variable',
      { id: 'openai:gpt-4o', baseUrl: 'http://127.0.0.1:8080/v1', apiKeyEnv: 'GITHUB_TOKEN' }
    ],
    [
      'another URL with the trusted key variable',
      { id: 'openai:gpt-4o', baseUrl: 'https://evil.example/v1', apiKeyEnv: 'LLM_KEY' }
    ],
    ['the default OpenAI endpoint, which the config does not name', { id: 'openai:gpt-4o' }],
    ['a kind the config does not name', { id: 'anthropic:claude', baseUrl: 'https://evil.example' }]
  ])('refuses %s', (_what, ref) => {
    expect(refusal(ref).message).toMatch(/does not name/)
  })

  it('names the file and line that asked, and what is trusted', () => {
    const error = refusal({ id: 'command:rm -rf .', origin: { file: 'prompts/a.md', line: 2 } })
    expect(error.describe()).toBe(
      'prompts/a.md:2: this asks for provider "command:rm -rf .", a command to run, which the base ' +
        'branch\'s .github/promptgate.yml does not name (it names "openai:gpt-4o-mini", "command:python3 eval.py", ' +
        '"anthropic:claude-haiku-4"). Under pull_request_target only the providers it names and github: models ' +
        'run; pick one of those, or add the provider to that config in a pull request of its own'
    )
  })
})

describe('the provider registry with a trusted set', () => {
  it('refuses before it reads the key variable the pull request names', () => {
    const read: string[] = []
    const env = new Proxy<Record<string, string | undefined>>(
      { OTHER_KEY: 'sk-other-secret-0123456789' },
      {
        get(target, name) {
          if (typeof name === 'string') read.push(name)
          return target[name as string]
        }
      }
    )
    const secrets: string[] = []
    const registry = createProviderRegistry({
      modelsEndpoint: 'https://models.github.ai/inference',
      env,
      timeoutMs: 1000,
      maxRetries: 0,
      trust: TRUST,
      onSecret: secret => secrets.push(secret)
    })
    const ref = {
      id: 'openai:gpt-4o',
      baseUrl: 'https://evil.example/v1',
      apiKeyEnv: 'OTHER_KEY',
      origin: { file: 'evals/set.jsonl', line: 3 }
    }
    expect(() => registry.get(ref)).toThrow(UserError)
    expect(read).not.toContain('OTHER_KEY')
    expect(secrets).toEqual([])
  })

  it('tells the caller each key it reads and the credentials in the base URL', () => {
    const secrets: string[] = []
    const registry = createProviderRegistry({
      modelsEndpoint: 'https://models.github.ai/inference',
      env: { MY_LLM: 'plain-looking-value-123' },
      timeoutMs: 1000,
      maxRetries: 0,
      onSecret: secret => secrets.push(secret)
    })
    registry.get({
      id: 'openai:m',
      baseUrl: 'https://user:p%40ss-word@llm.example/v1?api-key=q-secret-42',
      apiKeyEnv: 'MY_LLM'
    })
    expect(secrets).toEqual(
      expect.arrayContaining(['plain-looking-value-123', 'user', 'p@ss-word', 'q-secret-42'])
    )
  })
})
