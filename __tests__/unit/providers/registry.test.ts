import { afterEach, describe, expect, it } from '@jest/globals'
import { realpath } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { UserError } from '../../../src/errors.js'
import { createProviderRegistry, parseProviderId } from '../../../src/providers/index.js'
import type { ProviderEnvironment } from '../../../src/providers/types.js'
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js'

const hello = { messages: [{ role: 'user' as const, content: 'hi' }], parameters: {} }

let fake: FakeOpenAI | undefined
let anthropic: FakeAnthropic | undefined
afterEach(async () => {
  await fake?.close()
  await anthropic?.close()
  fake = undefined
  anthropic = undefined
})

/** A command line that runs a small node program: `print` is the JavaScript expression it prints. */
function nodeCommand(print: string): string {
  return `'${process.execPath}' -e 'process.stdout.write(String(${print}))'`
}

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

  it('lists the kinds for an unknown one', () => {
    const error = thrownBy(() => createProviderRegistry(environment()).get({ id: 'azure:gpt-4o' }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      'unknown provider kind "azure" in "azure:gpt-4o"; the kinds are github, openai, anthropic, command'
    )
  })
})

describe('anthropic: provider', () => {
  it('reads the key from ANTHROPIC_API_KEY and takes the ref base URL as the API root, with or without /v1', async () => {
    anthropic = await startFakeAnthropic({ respond: () => 'from claude' })
    const registry = createProviderRegistry(environment({ env: { ANTHROPIC_API_KEY: 'sk-ant-env' } }))

    const plain = await registry
      .get({ id: 'anthropic:claude-haiku-4-5', baseUrl: anthropic.url })
      .complete(hello)
    await registry.get({ id: 'anthropic:claude-haiku-4-5', baseUrl: `${anthropic.url}/v1/` }).complete(hello)

    expect(plain.output).toBe('from claude')
    expect(anthropic.requests.map(request => request.path)).toEqual(['/v1/messages', '/v1/messages'])
    expect(anthropic.requests[0]?.model).toBe('claude-haiku-4-5')
    expect(anthropic.requests[0]?.headers.authorization).toBe('Bearer sk-ant-env')
  })

  it('reads the key from the variable the ref names', async () => {
    anthropic = await startFakeAnthropic({})
    const registry = createProviderRegistry(
      environment({ env: { ANTHROPIC_API_KEY: 'wrong', CLAUDE_KEY: 'mine' } })
    )
    await registry
      .get({ id: 'anthropic:claude-haiku-4-5', baseUrl: anthropic.url, apiKeyEnv: 'CLAUDE_KEY' })
      .complete(hello)
    expect(anthropic.requests[0]?.headers.authorization).toBe('Bearer mine')
  })

  it('asks for the key variable when there is none', () => {
    const registry = createProviderRegistry(environment())
    const usual = thrownBy(() => registry.get({ id: 'anthropic:claude-sonnet-4-6' }))
    const named = thrownBy(() => registry.get({ id: 'anthropic:claude-sonnet-4-6', apiKeyEnv: 'CLAUDE_KEY' }))
    expect(usual).toBeInstanceOf(UserError)
    expect(usual.message).toBe(
      'anthropic:claude-sonnet-4-6 needs an API key: set the environment variable ANTHROPIC_API_KEY ' +
        '(e.g. from a repository secret), or name another one with api_key_env'
    )
    expect(named.message).toContain('CLAUDE_KEY')
  })

  it('names the key variable on a 401', async () => {
    anthropic = await startFakeAnthropic({ respond: () => ({ status: 401 }) })
    const registry = createProviderRegistry(environment({ env: { ANTHROPIC_API_KEY: 'sk-ant-bad' } }))
    const error = await registry
      .get({ id: 'anthropic:claude-haiku-4-5', baseUrl: anthropic.url })
      .complete(hello)
      .then(
        () => new Error('expected a failure'),
        (failure: Error) => failure
      )
    expect(error.message).toBe(
      'anthropic:claude-haiku-4-5 answered 401 Unauthorized. Check the API key in ANTHROPIC_API_KEY.'
    )
  })
})

describe('command: provider', () => {
  it('runs the command in the workdir the environment gives', async () => {
    const workdir = await realpath(tmpdir())
    const registry = createProviderRegistry(environment({ workdir }))
    const completion = await registry.get({ id: `command:${nodeCommand('process.cwd()')}` }).complete(hello)
    expect(completion.output).toBe(workdir)
  })

  it('runs it in the current directory by default', async () => {
    const completion = await createProviderRegistry(environment())
      .get({ id: `command:${nodeCommand('process.cwd()')}` })
      .complete(hello)
    expect(completion.output).toBe(process.cwd())
  })

  it('splits the command line when the ref is first asked for', () => {
    const error = thrownBy(() =>
      createProviderRegistry(environment()).get({ id: 'command:./model.sh | tee log' })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('shell operator "|"')
  })
})

describe('cost', () => {
  it('prices known models from the built-in table', async () => {
    fake = await startFakeOpenAI({ respond: () => 'one two three four' })
    const registry = createProviderRegistry(environment({ env: { OPENAI_API_KEY: 'k' } }))
    const completion = await registry
      .get({ id: 'openai:gpt-4o-mini', baseUrl: fake.url })
      .complete({ messages: [{ role: 'user', content: 'a b' }], parameters: {} })
    expect(completion.tokens).toEqual({ prompt: 2, completion: 4, total: 6 })
    expect(completion.cost).toBeCloseTo((2 * 0.15 + 4 * 0.6) / 1e6, 12)
  })

  it('prices GitHub Models ids by the model after the publisher', async () => {
    fake = await startFakeOpenAI({ respond: () => 'one' })
    const registry = createProviderRegistry(environment({ modelsEndpoint: fake.url, modelsToken: 't' }))
    const completion = await registry.get({ id: 'github:openai/gpt-4.1' }).complete(hello)
    expect(completion.cost).toBeCloseTo((1 * 2 + 1 * 8) / 1e6, 12)
  })

  it('prices Anthropic models', async () => {
    anthropic = await startFakeAnthropic({ respond: () => 'one two' })
    const registry = createProviderRegistry(environment({ env: { ANTHROPIC_API_KEY: 'k' } }))
    const completion = await registry
      .get({ id: 'anthropic:claude-sonnet-4-6', baseUrl: anthropic.url })
      .complete(hello)
    expect(completion.cost).toBeCloseTo((1 * 3 + 2 * 15) / 1e6, 12)
  })

  it('lets a configured price win over the table, and leaves unknown models unpriced', async () => {
    fake = await startFakeOpenAI({ respond: () => 'one two' })
    const registry = createProviderRegistry(
      environment({
        env: { OPENAI_API_KEY: 'k' },
        prices: { 'openai:gpt-4o-mini': { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } }
      })
    )
    const configured = await registry.get({ id: 'openai:gpt-4o-mini', baseUrl: fake.url }).complete(hello)
    const unknown = await registry.get({ id: 'openai:llama3.1:8b', baseUrl: fake.url }).complete(hello)
    expect(configured.cost).toBe(1 + 2 * 2)
    expect(unknown.tokens).toBeDefined()
    expect(unknown).not.toHaveProperty('cost')
  })

  it('prices a command that reports tokens, unless it reports its own cost', async () => {
    const tokensOnly = `command:${nodeCommand(`JSON.stringify({ output: "x", tokens: { prompt: 1000, completion: 100 } })`)}`
    const ownCost = `command:${nodeCommand(`JSON.stringify({ output: "x", tokens: { prompt: 1000, completion: 100 }, cost: 0.5 })`)}`
    const price = { inputPerMillion: 10, outputPerMillion: 100 }
    const registry = createProviderRegistry(
      environment({ prices: { [tokensOnly]: price, [ownCost]: price } })
    )
    await expect(registry.get({ id: tokensOnly }).complete(hello)).resolves.toMatchObject({ cost: 0.02 })
    await expect(registry.get({ id: ownCost }).complete(hello)).resolves.toMatchObject({ cost: 0.5 })
  })

  it('rejects a configured price that is not a number', () => {
    const registry = createProviderRegistry(
      environment({ prices: { 'command:x': { inputPerMillion: -1, outputPerMillion: 1 } } })
    )
    const error = thrownBy(() => registry.get({ id: 'command:x' }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('the price of command:x needs inputPerMillion')
  })
})

describe('requests per minute', () => {
  it('holds back calls beyond the limit, across refs with the same provider id', async () => {
    fake = await startFakeOpenAI({})
    const registry = createProviderRegistry(
      environment({ env: { OPENAI_API_KEY: 'k' }, requestsPerMinute: { 'openai:gpt-4o-mini': 1 } })
    )
    await registry.get({ id: 'openai:gpt-4o-mini', baseUrl: fake.url }).complete(hello)
    const controller = new AbortController()
    const held = registry
      .get({ id: 'openai:gpt-4o-mini', baseUrl: `${fake.url}/` })
      .complete(hello, controller.signal)
    const other = await registry.get({ id: 'openai:gpt-4o', baseUrl: fake.url }).complete(hello)

    await new Promise(resolve => setTimeout(resolve, 200))
    expect(fake.requests.map(request => request.model)).toEqual(['gpt-4o-mini', 'gpt-4o'])
    controller.abort()
    await expect(held).rejects.toThrow('openai:gpt-4o-mini: the request was cancelled.')
    expect(other.output).toBe('hi')
  })

  it('rejects a limit that is not a number above 0', () => {
    const registry = createProviderRegistry(environment({ requestsPerMinute: { 'command:x': 0 } }))
    const error = thrownBy(() => registry.get({ id: 'command:x' }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain('requests per minute for command:x must be a number above 0')
  })
})
