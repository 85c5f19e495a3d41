import { afterEach, describe, expect, it } from '@jest/globals'
import {
  anthropicErrorBody,
  overloaded,
  rateLimited,
  serverError,
  startFakeAnthropic,
  type FakeAnthropic,
  type FakeAnthropicOptions
} from '../../helpers/fake-anthropic.js'
import {
  anthropicRoot,
  createAnthropicProvider,
  type AnthropicOptions
} from '../../../src/providers/anthropic.js'
import type { CompletionRequest } from '../../../src/providers/types.js'
import { failureOf } from '../../helpers/failure-of.js'

const API_KEY = 'sk-ant-test-SECRET-0123456789'
const MODEL = 'claude-sonnet-4-6'
const ref = { id: `anthropic:${MODEL}` }
const hello: CompletionRequest = { messages: [{ role: 'user', content: 'Say hello' }], parameters: {} }

let fake: FakeAnthropic | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function providerAgainst(fakeOptions: FakeAnthropicOptions, options: Partial<AnthropicOptions> = {}) {
  fake = await startFakeAnthropic(fakeOptions)
  return createAnthropicProvider(ref, {
    baseURL: fake.url,
    apiKey: API_KEY,
    model: MODEL,
    timeoutMs: 5_000,
    maxRetries: 0,
    ...options
  })
}

describe('anthropic provider: requests', () => {
  it('posts to {baseURL}/v1/messages with the model, the key and the system prompt as `system`', async () => {
    const provider = await providerAgainst({ respond: () => 'Hello!' })
    const completion = await provider.complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
        { role: 'assistant', content: 'Hi' },
        { role: 'system', content: 'Use English.' },
        { role: 'user', content: 'Again' }
      ],
      parameters: {}
    })

    expect(completion.output).toBe('Hello!')
    const [request] = fake!.requests
    expect(request?.path).toBe('/v1/messages')
    expect(request?.model).toBe(MODEL)
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(request?.headers['anthropic-version']).toBeTruthy()
    expect(request?.body.system).toBe('Be brief.\n\nUse English.')
    expect(request?.messages).toEqual([
      { role: 'user', content: 'Say hello' },
      { role: 'assistant', content: 'Hi' },
      { role: 'user', content: 'Again' }
    ])
    expect(request?.body.stream).toBeFalsy()
  })

  it('leaves `system` out when the prompt has no system message', async () => {
    const provider = await providerAgainst({})
    await provider.complete(hello)
    expect(fake!.requests[0]!.body).not.toHaveProperty('system')
  })

  it('asks for 1024 tokens when the prompt sets no maxTokens, and for maxTokens when it does', async () => {
    const provider = await providerAgainst({})
    await provider.complete(hello)
    await provider.complete({ ...hello, parameters: { maxTokens: 64 } })
    expect(fake!.requests.map(request => request.body.max_tokens)).toEqual([1024, 64])
  })

  it('leaves out temperature and top_p, which the API version the SDK speaks rejects', async () => {
    const provider = await providerAgainst({ respond: () => 'fine' })
    const completion = await provider.complete({ ...hello, parameters: { temperature: 0, topP: 0.9 } })
    expect(completion.output).toBe('fine')
    expect(fake!.requests[0]!.body).not.toHaveProperty('temperature')
    expect(fake!.requests[0]!.body).not.toHaveProperty('top_p')
  })

  it('sends a json_schema response format as output_config.format', async () => {
    const provider = await providerAgainst({ respond: () => '{"animal":"cat"}' })
    const schema = { type: 'object', properties: { animal: { type: 'string' } }, required: ['animal'] }
    await provider.complete({
      ...hello,
      responseFormat: 'json_schema',
      jsonSchema: JSON.stringify({ name: 'describe_animal', strict: true, schema })
    })
    expect(fake!.requests[0]!.body.output_config).toEqual({ format: { type: 'json_schema', schema } })
  })

  it('sends nothing extra for json_object, which the Messages API has no mode for', async () => {
    const provider = await providerAgainst({ respond: () => '{}' })
    await provider.complete({ ...hello, responseFormat: 'json_object' })
    expect(Object.keys(fake!.requests[0]!.body).sort()).toEqual(['max_tokens', 'messages', 'model'])
  })
})

describe('anthropic provider: answers', () => {
  /** A hand-made 200 Messages API answer: `fields` over an `end_turn` message from MODEL. */
  const message = (fields: { content: unknown[]; usage: Record<string, number>; stop_reason?: string }) => ({
    status: 200,
    body: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      stop_reason: 'end_turn',
      stop_sequence: null,
      ...fields
    }
  })

  it('returns usage as tokens and a measured latency', async () => {
    const provider = await providerAgainst({ respond: () => 'one two three', latencyMs: 120 })
    const completion = await provider.complete({ ...hello, messages: [{ role: 'user', content: 'a b' }] })
    expect(completion.tokens).toEqual({ prompt: 2, completion: 3, total: 5 })
    expect(completion.latencyMs).toBeGreaterThanOrEqual(110)
    expect(completion.latencyMs).toBeLessThan(2_000)
  })

  it('counts cache reads and writes as prompt tokens', async () => {
    const provider = await providerAgainst({
      respond: () =>
        message({
          content: [{ type: 'text', text: 'ok' }],
          usage: {
            input_tokens: 10,
            output_tokens: 4,
            cache_creation_input_tokens: 100,
            cache_read_input_tokens: 1000
          }
        })
    })
    const completion = await provider.complete(hello)
    expect(completion.tokens).toEqual({ prompt: 1110, completion: 4, total: 1114 })
  })

  it('joins the text blocks and skips the others (thinking)', async () => {
    const provider = await providerAgainst({
      respond: () =>
        message({
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Part one, ' },
            { type: 'text', text: 'part two.' }
          ],
          usage: { input_tokens: 1, output_tokens: 5 }
        })
    })
    await expect(provider.complete(hello)).resolves.toMatchObject({ output: 'Part one, part two.' })
  })

  it('fails clearly when the answer has no text', async () => {
    const provider = await providerAgainst({
      respond: () =>
        message({ content: [], stop_reason: 'refusal', usage: { input_tokens: 3, output_tokens: 0 } })
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(`anthropic:${MODEL} returned no text (stop_reason refusal).`)
  })
})

describe('anthropic provider: retries', () => {
  it('waits as long as retry-after says after a 429, then succeeds', async () => {
    let attempt = 0
    const provider = await providerAgainst(
      { respond: () => (++attempt === 1 ? rateLimited(1) : 'finally'), latencyMs: 20 },
      { maxRetries: 2 }
    )
    const completion = await provider.complete(hello)

    expect(completion.output).toBe('finally')
    const [first, second] = fake!.requests
    expect(fake!.requests).toHaveLength(2)
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950)
    expect(completion.latencyMs).toBeLessThan(500)
  })

  it('retries 529 overloaded and 500, then succeeds', async () => {
    let attempt = 0
    const provider = await providerAgainst(
      { respond: () => [overloaded(), serverError()][attempt++] ?? 'recovered' },
      { maxRetries: 2 }
    )
    await expect(provider.complete(hello)).resolves.toMatchObject({ output: 'recovered' })
    expect(fake!.requests).toHaveLength(3)
  })

  it('gives up after maxRetries and names the status and the attempts', async () => {
    const provider = await providerAgainst({ respond: () => overloaded() }, { maxRetries: 1 })
    const error = await failureOf(provider.complete(hello))
    expect(fake!.requests).toHaveLength(2)
    expect(error.message).toBe(`anthropic:${MODEL} answered 529 Overloaded after 2 attempts.`)
  })

  it('does not retry a 400 and shows what the API said', async () => {
    const provider = await providerAgainst(
      {
        respond: () => ({
          status: 400,
          body: anthropicErrorBody(400, 'messages: at least one message is required')
        })
      },
      { maxRetries: 3 }
    )
    const error = await failureOf(provider.complete(hello))
    expect(fake!.requests).toHaveLength(1)
    expect(error.message).toBe(
      `anthropic:${MODEL} answered 400 Bad Request: messages: at least one message is required.`
    )
  })

  it('times out a slow answer', async () => {
    const provider = await providerAgainst(
      { respond: () => 'too late', latencyMs: 2_000 },
      { timeoutMs: 150 }
    )
    const started = Date.now()
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(`anthropic:${MODEL} did not answer within 150 ms.`)
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('reports a cancelled request', async () => {
    const provider = await providerAgainst({ respond: () => 'late', latencyMs: 2_000 })
    const controller = new AbortController()
    const pending = provider.complete(hello, controller.signal)
    setTimeout(() => controller.abort(), 50)
    const error = await failureOf(pending)
    expect(error.message).toBe(`anthropic:${MODEL}: the request was cancelled.`)
  })
})

describe('anthropic provider: error messages', () => {
  it('adds the auth hint to a 401 and never shows the key, even when the server echoes it', async () => {
    const provider = await providerAgainst(
      {
        respond: ({ headers }) => ({
          status: 401,
          body: anthropicErrorBody(401, `invalid x-api-key ${headers.authorization} (${API_KEY})`)
        })
      },
      { authHint: 'Check the API key in ANTHROPIC_API_KEY.' }
    )
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(
      `anthropic:${MODEL} answered 401 Unauthorized: invalid x-api-key Bearer *** (***). ` +
        'Check the API key in ANTHROPIC_API_KEY.'
    )
    expect(JSON.stringify(error)).not.toContain('SECRET')
    expect(String(error.stack)).not.toContain('SECRET')
  })

  it('says the server could not be reached', async () => {
    fake = await startFakeAnthropic({})
    const url = fake.url
    await fake.close()
    fake = undefined
    const provider = createAnthropicProvider(ref, {
      baseURL: url,
      apiKey: API_KEY,
      model: MODEL,
      timeoutMs: 1_000,
      maxRetries: 0
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(`anthropic:${MODEL} could not reach ${url} (ECONNREFUSED).`)
  })
})

describe('anthropicRoot', () => {
  it.each([
    ['https://api.anthropic.com', 'https://api.anthropic.com'],
    ['https://api.anthropic.com/', 'https://api.anthropic.com'],
    ['http://localhost:4000/v1', 'http://localhost:4000'],
    ['http://localhost:4000/v1/', 'http://localhost:4000'],
    ['https://gateway.example.com/anthropic', 'https://gateway.example.com/anthropic']
  ])('takes %s as the API root %s', (given, root) => {
    expect(anthropicRoot(given)).toBe(root)
  })
})
