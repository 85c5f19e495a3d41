import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../../helpers/fake-openai.js'
import {
  createOpenAICompatibleProvider,
  type OpenAICompatibleOptions
} from '../../../src/providers/openai-compatible.js'
import type { CompletionRequest } from '../../../src/providers/types.js'
import { failureOf } from '../../helpers/failure-of.js'

const API_KEY = 'sk-test-SECRET-0123456789'
const ref = { id: 'openai:gpt-4o-mini' }
const hello: CompletionRequest = { messages: [{ role: 'user', content: 'Say hello' }], parameters: {} }

let fake: FakeOpenAI | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function providerAgainst(
  fakeOptions: FakeOpenAIOptions,
  options: Partial<OpenAICompatibleOptions> = {}
) {
  fake = await startFakeOpenAI(fakeOptions)
  return createOpenAICompatibleProvider(ref, {
    baseURL: fake.url,
    apiKey: API_KEY,
    model: 'gpt-4o-mini',
    timeoutMs: 5_000,
    maxRetries: 0,
    ...options
  })
}

describe('openai-compatible provider: requests', () => {
  it('sends the model, the messages and the key as a bearer token to {baseURL}/chat/completions', async () => {
    const provider = await providerAgainst({ respond: () => 'Hello!' })
    const messages: CompletionRequest['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' }
    ]
    const completion = await provider.complete({ messages, parameters: {} })

    expect(completion.output).toBe('Hello!')
    const [request] = fake!.requests
    expect(request?.path).toBe('/v1/chat/completions')
    expect(request?.model).toBe('gpt-4o-mini')
    expect(request?.messages).toEqual(messages)
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(request?.body.stream).toBeFalsy()
  })

  it('maps maxTokens, temperature and topP to the API names', async () => {
    const provider = await providerAgainst({})
    await provider.complete({ ...hello, parameters: { maxTokens: 64, temperature: 0.2, topP: 0.9 } })
    const { body } = fake!.requests[0]!
    expect(body).toMatchObject({ max_tokens: 64, temperature: 0.2, top_p: 0.9 })
    expect(body).not.toHaveProperty('maxTokens')
    expect(body).not.toHaveProperty('topP')
  })

  it('leaves out parameters and response_format that are not set', async () => {
    const provider = await providerAgainst({})
    await provider.complete({ ...hello, responseFormat: 'text' })
    expect(Object.keys(fake!.requests[0]!.body).sort()).toEqual(['messages', 'model'])
  })

  it('asks for a JSON object', async () => {
    const provider = await providerAgainst({ respond: () => '{"ok":true}' })
    await provider.complete({ ...hello, responseFormat: 'json_object' })
    expect(fake!.requests[0]!.body.response_format).toEqual({ type: 'json_object' })
  })

  it('sends a *.prompt.yml jsonSchema (a JSON string with name, schema, strict) as json_schema', async () => {
    const provider = await providerAgainst({ respond: () => '{"animal":"cat"}' })
    const schema = { type: 'object', properties: { animal: { type: 'string' } }, required: ['animal'] }
    await provider.complete({
      ...hello,
      responseFormat: 'json_schema',
      jsonSchema: JSON.stringify({ name: 'describe_animal', strict: true, schema })
    })
    expect(fake!.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'describe_animal', strict: true, schema }
    })
  })

  it('names a bare JSON Schema "response"', async () => {
    const provider = await providerAgainst({ respond: () => '{}' })
    const schema = { type: 'object', properties: {} }
    await provider.complete({ ...hello, responseFormat: 'json_schema', jsonSchema: schema })
    expect(fake!.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema }
    })
  })
})

describe('openai-compatible provider: answers', () => {
  it('returns usage as tokens and a measured latency', async () => {
    const provider = await providerAgainst({ respond: () => 'one two three', latencyMs: 120 })
    const completion = await provider.complete({ ...hello, messages: [{ role: 'user', content: 'a b' }] })
    expect(completion.tokens).toEqual({ prompt: 2, completion: 3, total: 5 })
    expect(completion.latencyMs).toBeGreaterThanOrEqual(110)
    expect(completion.latencyMs).toBeLessThan(2_000)
  })

  it('fails clearly when the response has no choices', async () => {
    const provider = await providerAgainst({
      respond: () => ({
        status: 200,
        body: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [] }
      })
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe('openai:gpt-4o-mini returned no message content (no choices in the response).')
  })

  it('fails clearly when the message has no content', async () => {
    const provider = await providerAgainst({
      respond: () => ({
        status: 200,
        body: {
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [
            { index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }
          ]
        }
      })
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(
      'openai:gpt-4o-mini returned no message content (finish_reason content_filter).'
    )
  })
})

describe('openai-compatible provider: retries', () => {
  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    let attempt = 0
    const provider = await providerAgainst(
      {
        respond: () => (++attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 'finally'),
        latencyMs: 20
      },
      { maxRetries: 2 }
    )
    const completion = await provider.complete(hello)

    expect(completion.output).toBe('finally')
    const [first, second] = fake!.requests
    expect(fake!.requests).toHaveLength(2)
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950)
    expect(second!.headers['x-stainless-retry-count']).toBe('1')
    // The wait is the rate limit's, not the model's latency.
    expect(completion.latencyMs).toBeLessThan(500)
  })

  it('retries a 500 and succeeds', async () => {
    let attempt = 0
    const provider = await providerAgainst(
      { respond: () => (++attempt === 1 ? { status: 500 } : 'recovered') },
      { maxRetries: 1 }
    )
    await expect(provider.complete(hello)).resolves.toMatchObject({ output: 'recovered' })
    expect(fake!.requests).toHaveLength(2)
  })

  it('gives up after maxRetries and says how many attempts were made', async () => {
    const provider = await providerAgainst(
      { respond: () => ({ status: 503, body: { error: { message: 'Overloaded, try later.' } } }) },
      { maxRetries: 1 }
    )
    const error = await failureOf(provider.complete(hello))
    expect(fake!.requests).toHaveLength(2)
    expect(error.message).toBe(
      'openai:gpt-4o-mini answered 503 Service Unavailable after 2 attempts: Overloaded, try later.'
    )
  })

  it('times out a slow answer', async () => {
    const provider = await providerAgainst(
      { respond: () => 'too late', latencyMs: 2_000 },
      { timeoutMs: 150 }
    )
    const started = Date.now()
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe('openai:gpt-4o-mini did not answer within 150 ms.')
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('retries a timeout', async () => {
    let attempt = 0
    const provider = await providerAgainst(
      { respond: () => (++attempt === 1 ? { status: 200, body: {}, delayMs: 2_000 } : 'second time lucky') },
      { timeoutMs: 300, maxRetries: 1 }
    )
    await expect(provider.complete(hello)).resolves.toMatchObject({ output: 'second time lucky' })
    expect(fake!.requests).toHaveLength(2)
  })

  it('does not retry a 400', async () => {
    const provider = await providerAgainst({ respond: () => ({ status: 400 }) }, { maxRetries: 3 })
    await failureOf(provider.complete(hello))
    expect(fake!.requests).toHaveLength(1)
  })
})

describe('openai-compatible provider: error messages', () => {
  it('names the provider, the status, the server message and the auth hint', async () => {
    const provider = await providerAgainst(
      {
        respond: () => ({
          status: 401,
          body: { error: { code: 'unauthorized', message: 'Bad credentials' } }
        })
      },
      { authHint: 'Check that the workflow has "permissions: models: read" or set models-token.' }
    )
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(
      'openai:gpt-4o-mini answered 401 Unauthorized: Bad credentials. ' +
        'Check that the workflow has "permissions: models: read" or set models-token.'
    )
  })

  it('adds GitHub Models details when they say more than the message', async () => {
    const provider = await providerAgainst({
      respond: () => ({
        status: 403,
        body: {
          error: { code: 'forbidden', message: 'Forbidden', details: 'The `models` permission is required' }
        }
      })
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(
      'openai:gpt-4o-mini answered 403 Forbidden: Forbidden (The `models` permission is required).'
    )
  })

  it('reads a plain-text body and a top-level message', async () => {
    const provider = await providerAgainst({
      respond: ({ messages }) =>
        messages[0]!.content === 'text'
          ? { status: 502, body: 'upstream down' }
          : { status: 422, body: { message: 'model not loaded' } }
    })
    const text = await failureOf(
      provider.complete({ ...hello, messages: [{ role: 'user', content: 'text' }] })
    )
    const json = await failureOf(provider.complete(hello))
    expect(text.message).toBe('openai:gpt-4o-mini answered 502 Bad Gateway: upstream down.')
    expect(json.message).toBe('openai:gpt-4o-mini answered 422 Unprocessable Entity: model not loaded.')
  })

  it('shortens a long server message', async () => {
    const provider = await providerAgainst({ respond: () => ({ status: 400, body: 'x'.repeat(5_000) }) })
    const error = await failureOf(provider.complete(hello))
    expect(error.message.length).toBeLessThan(400)
    expect(error.message).toMatch(/x…\.$/)
  })

  it('points at the model and URL on a 404', async () => {
    const provider = await providerAgainst({ respond: () => ({ status: 404 }) })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toContain(`Check that the model "gpt-4o-mini" exists at ${fake!.url}.`)
  })

  it('never shows the API key, even when the server echoes the Authorization header', async () => {
    const provider = await providerAgainst({
      respond: ({ headers }) => ({
        status: 401,
        body: { error: { message: `invalid token ${headers.authorization} (key ${API_KEY})` } }
      })
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toContain('answered 401 Unauthorized: invalid token Bearer ***')
    expect(error.message).not.toContain(API_KEY)
    expect(error.message).not.toContain('SECRET')
    expect(JSON.stringify(error)).not.toContain('SECRET')
    expect(String(error.stack)).not.toContain('SECRET')
  })

  it('says the server could not be reached and why', async () => {
    fake = await startFakeOpenAI({})
    const port = new URL(fake.url).port
    await fake.close()
    fake = undefined
    const provider = createOpenAICompatibleProvider(ref, {
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: API_KEY,
      model: 'gpt-4o-mini',
      timeoutMs: 1_000,
      maxRetries: 0
    })
    const error = await failureOf(provider.complete(hello))
    expect(error.message).toBe(
      `openai:gpt-4o-mini could not reach http://127.0.0.1:${port}/v1 (ECONNREFUSED).`
    )
  })

  it('reports a cancelled request', async () => {
    const provider = await providerAgainst({ respond: () => 'late', latencyMs: 2_000 })
    const controller = new AbortController()
    const pending = provider.complete(hello, controller.signal)
    setTimeout(() => controller.abort(), 50)
    const error = await failureOf(pending)
    expect(error.message).toBe('openai:gpt-4o-mini: the request was cancelled.')
  })
})
