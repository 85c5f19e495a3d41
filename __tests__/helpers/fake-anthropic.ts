/**
 * A real HTTP server on 127.0.0.1 that answers Anthropic's Messages API, for unit and e2e tests.
 *
 * It answers `POST <any prefix>/v1/messages` in Anthropic's response shape, records every request it
 * received and answers errors in Anthropic's error shape (`{type: 'error', error: {type, message}}`).
 * Like the real API it answers 401 without a key, and 400 without `max_tokens` or, on API version
 * 2026-10-21, with a sampling parameter (`temperature`, `top_p`, `top_k`).
 *
 * ```ts
 * const fake = await startFakeAnthropic({ respond: ({ messages }) => 'Hi!' })
 * // point the code under test at fake.url (the API root: the SDK posts to `${fake.url}/v1/messages`)
 * await fake.close()
 * ```
 *
 * `respond` returns the assistant's text or `{ status, body?, headers?, delayMs? }`; the helpers make the
 * errors a client must survive: `rateLimited(1)` (429 with retry-after), `overloaded()` (529), `serverError()`
 * (500). Without `respond`, the fake echoes the last user message.
 */
import { STATUS_CODES } from 'node:http'
import {
  startLoopbackServer,
  type LoopbackRequest,
  type LoopbackResponse,
  type RecordedLoopbackRequest
} from './loopback-server.js'

export interface FakeAnthropicMessage {
  role: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a string or content blocks, as sent
  content: any
}

export type FakeAnthropicRequest = LoopbackRequest<FakeAnthropicMessage>

export type RecordedAnthropicRequest = RecordedLoopbackRequest<FakeAnthropicMessage>

/** `body` when absent: Anthropic's error body for `status`. */
export type FakeAnthropicResponse = LoopbackResponse

export type FakeAnthropicResponder = (
  request: FakeAnthropicRequest
) => string | FakeAnthropicResponse | Promise<string | FakeAnthropicResponse>

export interface FakeAnthropicOptions {
  respond?: FakeAnthropicResponder
  /** Delay before every response, in milliseconds. */
  latencyMs?: number
}

export interface FakeAnthropic {
  /** The API root without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** Every request to a messages path, in arrival order (retries included). */
  requests: RecordedAnthropicRequest[]
  close(): Promise<void>
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error'
}
const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k']

/** Anthropic's error body: `{ type: 'error', error: { type, message } }`. */
export function anthropicErrorBody(status: number, message?: string): Record<string, unknown> {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
  const text = message ?? (status === 529 ? 'Overloaded' : (STATUS_CODES[status] ?? 'error'))
  return { type: 'error', error: { type, message: text } }
}

/** A Messages API success body, with word counts standing in for token counts. */
export function messageBody(model: string, text: string, promptText = ''): Record<string, unknown> {
  return {
    id: `msg_fake${Math.random().toString(36).slice(2, 12)}`,
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text }],
    model,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: countWords(promptText), output_tokens: countWords(text) }
  }
}

export const rateLimited = (retryAfterSeconds = 1): FakeAnthropicResponse => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds) },
  body: anthropicErrorBody(429, 'Number of requests has exceeded your rate limit.')
})
export const overloaded = (): FakeAnthropicResponse => ({ status: 529 })
export const serverError = (): FakeAnthropicResponse => ({
  status: 500,
  body: anthropicErrorBody(500, 'Internal server error')
})

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length
}

/** The text of a message's content, whether a string or text blocks. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map(block => (typeof block?.text === 'string' ? block.text : '')).join(' ')
}

const echoLastUserMessage: FakeAnthropicResponder = ({ messages }) =>
  textOf(messages.filter(message => message.role === 'user').at(-1)?.content)

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const respond = options.respond ?? echoLastUserMessage
  const server = await startLoopbackServer<FakeAnthropicMessage>({
    name: 'fake Anthropic',
    route: /\/v1\/messages\/?$/,
    errorBody: anthropicErrorBody,
    invalidJsonMessage: 'There was an issue with the format of your request: invalid JSON',
    latencyMs: options.latencyMs,
    answer: async request => {
      const refusal = validate(request)
      if (refusal) return refusal
      const answer = await respond(request)
      if (typeof answer !== 'string') return answer
      const promptText = [
        textOf(request.body.system),
        ...request.messages.map(message => textOf(message.content))
      ]
      return { status: 200, body: messageBody(request.model, answer, promptText.join(' ')) }
    }
  })
  return { url: server.origin, requests: server.requests, close: () => server.close() }
}

/** What the real API refuses before any model runs. */
function validate({ body, headers }: FakeAnthropicRequest): FakeAnthropicResponse | undefined {
  if (!headers['x-api-key'] && !/^bearer \S+/i.test(headers.authorization ?? '')) {
    return { status: 401, body: anthropicErrorBody(401, 'x-api-key header is required') }
  }
  if (typeof body?.max_tokens !== 'number') {
    return { status: 400, body: anthropicErrorBody(400, 'max_tokens: Field required') }
  }
  if (headers['anthropic-version'] === '2026-10-21') {
    const sampling = SAMPLING_PARAMETERS.find(name => name in body)
    if (sampling)
      return { status: 400, body: anthropicErrorBody(400, `${sampling}: Extra inputs are not permitted`) }
  }
  return undefined
}
