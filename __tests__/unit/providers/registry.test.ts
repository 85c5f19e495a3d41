import { afterEach, describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createProviderRegistry, parseProviderId } from '../../../src/providers/index.js'
import type { ProviderEnvironment } from '../../../src/providers/types.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js'

const hello = { messages: [{ role: 'user' as const, content: 'hi' }], parameters: {} }

let fake: FakeOpenAI | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

function environment(overrides: Partial<ProviderEnvironment> = {}): ProviderEnvironment {
  return {
    modelsEndpoint: 'https://models.github.ai/inference',
    env: {},
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides
  }
}

function thrownBy(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('parseProviderId', () => {
  it('splits at the first colon so model names may hold colons and slashes', () => {
    expect(parseProviderId('github:openai/gpt-4o-mini')).toEqual({
      kind: 'github',
      model: 'openai/gpt-4o-mini'
    })
    expect(parseProviderId('openai:llama3.1:8b')).toEqual({ kind: 'openai', model: 'llama3.1:8b' })
  })

  it.each(['gpt-4o-mini', ':gpt-4o', 'openai:', 'openai:  '])('rejects "%s" with the expected form', id => {
    const error = thrownBy(() => parseProviderId(id))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('<kind>:<model>')
  })
})

describe('github: provider', () => {
  it('calls the GitHub Models endpoint with the models token and the model name after "github:"', async () => {
    fake = await startFakeOpenAI({ respond: () => 'from github' })
    const modelsEndpoint = fake.url.replace(/\/v1$/, '/inference')
    const registry = createProviderRegistry(environment({ modelsEndpoint, modelsToken: 'ghs_token123' }))

    const completion = await registry.get({ id: 'github:openai/gpt-4o-mini' }).complete(hello)

    expect(completion.output).toBe('from github')
    const [request] = fake.requests
    expect(request?.path).toBe('/inference/chat/completions')
    expect(request?.model).toBe('openai/gpt-4o-mini')
    expect(request?.headers.authorization).toBe('Bearer ghs_token123')
  })

  it('tells how to fix a 401 without showing the token', async () => {
    fake = await startFakeOpenAI({
      respond: () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Bad credentials' } } })
    })
    const registry = createProviderRegistry(
      environment({ modelsEndpoint: fake.url, modelsToken: 'ghs_token123' })
    )

    const error = await registry
      .get({ id: 'github:openai/gpt-4o-mini' })
      .complete(hello)
      .then(
        () => new Error('expected a failure'),
        (failure: Error) => failure
      )

    expect(error.message).toBe(
      'github:openai/gpt-4o-mini answered 401 Unauthorized: Bad credentials. ' +
        'Check that the workflow has "permissions: models: read" or set models-token.'
    )
  })

  it('asks for a token and the models permission when there is none', () => {
    const error = thrownBy(() =>
      createProviderRegistry(environment()).get({ id: 'github:openai/gpt-4o-mini' })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('github-token')
    expect(error.message).toContain('models-token')
    expect(error.message).toContain('permissions: models: read')
  })
})

describe('openai: provider', () => {
  it('reads the key from OPENAI_API_KEY and uses the ref base URL', async () => {
    fake = await startFakeOpenAI({})
    const registry = createProviderRegistry(environment({ env: { OPENAI_API_KEY: 'sk-env' } }))
    await registry.get({ id: 'openai:gpt-4o-mini', baseUrl: fake.url }).complete(hello)
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-env')
    expect(fake.requests[0]?.model).toBe('gpt-4o-mini')
  })

  it('reads the key from the variable the ref names', async () => {
    fake = await startFakeOpenAI({})
    const registry = createProviderRegistry(
      environment({ env: { OPENAI_API_KEY: 'sk-wrong', MY_KEY: 'sk-mine' } })
    )
    await registry.get({ id: 'openai:gpt-4o-mini', baseUrl: fake.url, apiKeyEnv: 'MY_KEY' }).complete(hello)
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-mine')
  })

  it('lets a local server go without a key', async () => {
    fake = await startFakeOpenAI({ respond: () => 'local answer' })
    const registry = createProviderRegistry(environment())
    const completion = await registry.get({ id: 'openai:llama3.1:8b', baseUrl: fake.url }).complete(hello)
    expect(completion.output).toBe('local answer')
    expect(fake.requests[0]?.model).toBe('llama3.1:8b')
  })

  it('asks for the key variable when a remote server has no key', () => {
    const registry = createProviderRegistry(environment())
    const openai = thrownBy(() => registry.get({ id: 'openai:gpt-4o-mini' }))
    const named = thrownBy(() =>
      registry.get({ id: 'openai:m', baseUrl: 'https://llm.example.com/v1', apiKeyEnv: 'LLM_KEY' })
    )
    expect(openai).toBeInstanceOf(UserError)
    expect(openai.message).toContain('OPENAI_API_KEY')
    expect(named.message).toContain('LLM_KEY')
  })

  it('rejects a base URL that is not a URL', () => {
    const error = thrownBy(() =>
      createProviderRegistry(environment({ env: { OPENAI_API_KEY: 'k' } })).get({
        id: 'openai:m',
        baseUrl: 'localhost:11434'
      })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('not a valid URL')
  })
})

describe('createProviderRegistry', () => {
  it('makes one provider per distinct ref', () => {
    const registry = createProviderRegistry(environment({ modelsToken: 't', env: { OPENAI_API_KEY: 'k' } }))
    const first = registry.get({ id: 'github:openai/gpt-4o-mini' })
    expect(registry.get({ id: 'github:openai/gpt-4o-mini' })).toBe(first)
    expect(registry.get({ id: 'github:openai/gpt-4o' })).not.toBe(first)
    const local = registry.get({ id: 'openai:m', baseUrl: 'http://localhost:1/v1' })
    expect(registry.get({ id: 'openai:m', baseUrl: 'http://localhost:2/v1' })).not.toBe(local)
    expect(registry.get({ id: 'openai:m', baseUrl: 'http://localhost:1/v1' })).toBe(local)
  })

  it.each(['anthropic:claude-sonnet-4', 'command:./run-model.sh'])('says %s is not supported yet', id => {
    const error = thrownBy(() => createProviderRegistry(environment()).get({ id }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('not supported yet')
  })

  it('lists the kinds for an unknown one', () => {
    const error = thrownBy(() => createProviderRegistry(environment()).get({ id: 'azure:gpt-4o' }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      'unknown provider kind "azure" in "azure:gpt-4o"; the kinds are github, openai, anthropic, command'
    )
  })
})
