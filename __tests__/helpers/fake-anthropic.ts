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
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeAnthropicMessage {
  role: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a string or content blocks, as sent
  content: any
}

export interface FakeAnthropicRequest {
  model: string
  messages: FakeAnthropicMessage[]
  /** The parsed JSON request body, as sent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary request fields
  body: any
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders
}

export interface RecordedAnthropicRequest extends FakeAnthropicRequest {
  method: string
  path: string
  /** `Date.now()` when the request arrived. */
  receivedAt: number
}

export interface FakeAnthropicResponse {
  status: number
  /** A string is sent as text/plain, anything else as JSON; when absent, Anthropic's error body for `status`. */
  body?: unknown
  headers?: Record<string, string>
  /** Extra delay for this response only, added to `latencyMs`. */
  delayMs?: number
}

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
  const requests: RecordedAnthropicRequest[] = []

  const server = createServer((req, res) => {
    res.on('error', () => {}) // the client may have given up (timeouts); nothing to do
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    if (req.method !== 'POST' || !/\/v1\/messages\/?$/.test(path)) {
      sendJson(res, 404, anthropicErrorBody(404, `fake Anthropic: no route for ${req.method} ${path}`))
      return
    }
    void handleMessages(req, path).then(
      async ({ status, body, headers, delayMs }) => {
        await delayUnlessClosed((options.latencyMs ?? 0) + (delayMs ?? 0), res)
        if (res.destroyed) return
        if (typeof body === 'string') {
          res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body)
        } else {
          sendJson(res, status, body, headers)
        }
      },
      (error: unknown) =>
        sendJson(res, 500, anthropicErrorBody(500, `fake Anthropic: respond threw: ${String(error)}`))
    )
  })

  async function handleMessages(req: IncomingMessage, path: string): Promise<FakeAnthropicResponse> {
    const raw = await readBody(req)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a request body is whatever the client sent
    let body: any
    try {
      body = JSON.parse(raw)
    } catch {
      return {
        status: 400,
        body: anthropicErrorBody(400, 'There was an issue with the format of your request: invalid JSON')
      }
    }
    const request: FakeAnthropicRequest = {
      model: String(body?.model ?? ''),
      messages: Array.isArray(body?.messages) ? body.messages : [],
      body,
      headers: req.headers
    }
    requests.push({ ...request, method: req.method ?? 'POST', path, receivedAt: Date.now() })

    const refusal = validate(request)
    if (refusal) return refusal
    const answer = await respond(request)
    if (typeof answer === 'string') {
      const promptText = [textOf(body.system), ...request.messages.map(message => textOf(message.content))]
      return { status: 200, body: messageBody(request.model, answer, promptText.join(' ')) }
    }
    return { ...answer, body: answer.body ?? anthropicErrorBody(answer.status) }
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
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

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Waits, but not for a client that has gone (a timed-out request), so no timer outlives a test. */
function delayUnlessClosed(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      res.off('close', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    res.once('close', done)
  })
}
