/**
 * What the SDK's own retries miss, through the real OpenAI provider against loopback servers: a 200
 * whose body is malformed or cut off mid-stream, timeouts retried at most twice, and a rate limit
 * that asks to wait past the deadline.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isUserError } from '../../../src/errors.js'
import { ProviderTimeoutError } from '../../../src/providers/attempts.js'
import { createDeadline } from '../../../src/providers/deadline.js'
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible.js'
import type { CompletionRequest } from '../../../src/providers/types.js'
import { failureOf } from '../../helpers/failure-of.js'
import { chatCompletionBody, startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js'

const ref = { id: 'openai:gpt-4o-mini' }
const hello: CompletionRequest = { messages: [{ role: 'user', content: 'Say hello' }], parameters: {} }

let fake: FakeOpenAI | undefined
let raw: Server | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
  raw?.closeAllConnections()
  await new Promise(done => (raw ? raw.close(done) : done(undefined)))
  raw = undefined
})

function provider(
  baseURL: string,
  options: { timeoutMs?: number; maxRetries?: number; deadlineMs?: number } = {}
) {
  return createOpenAICompatibleProvider(ref, {
    baseURL,
    apiKey: 'sk-test',
    model: 'gpt-4o-mini',
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: options.maxRetries ?? 6,
    deadline: options.deadlineMs === undefined ? undefined : createDeadline(options.deadlineMs, '--deadline')
  })
}

describe('a 200 the SDK could not use', () => {
  it('is retried when the JSON is malformed', async () => {
    let attempt = 0
    fake = await startFakeOpenAI({
      respond: () =>
        ++attempt === 1
          ? { status: 200, body: '{"choices": [{"mess', headers: { 'content-type': 'application/json' } }
          : 'fine'
    })
    await expect(provider(fake.url).complete(hello)).resolves.toMatchObject({ output: 'fine' })
    expect(fake.requests).toHaveLength(2)
  })

  it('is retried when the connection drops in the middle of the body', async () => {
    let attempt = 0
    raw = createServer((request, response) => {
      request.resume()
      request.on('end', () => {
        const body = JSON.stringify(chatCompletionBody('gpt-4o-mini', 'whole'))
        if (++attempt === 1) {
          response.writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(body.length)
          })
          response.write(body.slice(0, 20))
          setTimeout(() => response.socket?.destroy(), 20)
          return
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(body)
      })
    })
    await new Promise<void>(done => raw!.listen(0, '127.0.0.1', done))
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`
    await expect(provider(url).complete(hello)).resolves.toMatchObject({ output: 'whole' })
    expect(attempt).toBe(2)
  })

  it('fails with the reason once the retries are spent', async () => {
    fake = await startFakeOpenAI({
      respond: () => ({ status: 200, body: 'not json', headers: { 'content-type': 'application/json' } })
    })
    const error = await failureOf(provider(fake.url, { maxRetries: 1 }).complete(hello))
    expect(error.message).toMatch(
      /answered 502 Bad Gateway after 2 attempts: the response body is not valid JSON/
    )
  })
})

describe('timeouts', () => {
  it('are retried at most twice, however many retries 5xx get', async () => {
    fake = await startFakeOpenAI({ respond: () => ({ status: 200, body: {}, delayMs: 60_000 }) })
    const error = await failureOf(provider(fake.url, { timeoutMs: 100, maxRetries: 6 }).complete(hello))
    expect(error).toBeInstanceOf(ProviderTimeoutError)
    expect(error.message).toBe('openai:gpt-4o-mini did not answer within 100 ms in any of 3 attempts.')
    expect(fake.requests).toHaveLength(3)
  })
})

describe('a rate limit', () => {
  it('that asks to wait past the deadline fails at once with a UserError that says when to retry', async () => {
    fake = await startFakeOpenAI({ respond: () => ({ status: 429, headers: { 'retry-after': '120' } }) })
    const started = Date.now()
    const error = await failureOf(provider(fake.url, { deadlineMs: 60_000 }).complete(hello))
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(isUserError(error)).toBe(true)
    expect(error.message).toMatch(/asks to wait 120 s, past the deadline of 1 minute \(--deadline\)/)
    expect(fake.requests).toHaveLength(1)
  })

  it('that fits the deadline is waited out', async () => {
    let attempt = 0
    fake = await startFakeOpenAI({
      respond: () =>
        ++attempt === 1 ? { status: 429, headers: { 'retry-after-ms': '50' } } : 'after the wait'
    })
    await expect(provider(fake.url, { deadlineMs: 60_000 }).complete(hello)).resolves.toMatchObject({
      output: 'after the wait'
    })
  })
})
