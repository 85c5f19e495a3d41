/**
 * A real HTTP server on 127.0.0.1 that answers OpenAI chat completions, for unit and e2e tests.
 *
 * It answers `POST <any prefix>/chat/completions` (`/chat/completions`, `/v1/chat/completions`,
 * `/inference/chat/completions`, ...) in the OpenAI response shape, records every request it received
 * and tracks how many were in flight at once. Anything else gets a 404 in OpenAI's error shape.
 *
 * ```ts
 * const fake = await startFakeOpenAI({ respond: ({ messages }) => messages.at(-1)!.content.toUpperCase() })
 * // point the code under test at fake.url (a base URL: POST `${fake.url}/chat/completions` works)
 * await fake.close()
 * ```
 *
 * `respond` returns either the assistant's text or `{ status, body?, headers?, delayMs? }`:
 * - `{ status: 429, headers: { 'retry-after': '1' } }` (no body: OpenAI's error JSON for that status),
 * - `{ status: 401, body: { error: { message: 'Bad credentials' } } }` (an object body is sent as JSON),
 * - `{ status: 502, body: 'upstream down' }` (a string body is sent as text/plain),
 * - `{ status: 200, body: chatCompletionBody('gpt', 'hi') }` for a hand-made success.
 * Without `respond`, the fake echoes the last user message.
 */
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeChatMessage {
  role: string
  content: string
}

export interface FakeRequest {
  model: string
  messages: FakeChatMessage[]
  /** The parsed JSON request body, as sent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary request fields
  body: any
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders
}

export interface RecordedRequest extends FakeRequest {
  method: string
  /** The request path, e.g. `/v1/chat/completions`. */
  path: string
  /** `Date.now()` when the request arrived. */
  receivedAt: number
}

export interface FakeResponse {
  status: number
  /** A string is sent as text/plain, anything else as JSON; when absent, OpenAI's error JSON for `status`. */
  body?: unknown
  headers?: Record<string, string>
  /** Extra delay for this response only, added to `latencyMs`. */
  delayMs?: number
}

export type FakeResponder = (request: FakeRequest) => string | FakeResponse | Promise<string | FakeResponse>

export interface FakeOpenAIOptions {
  respond?: FakeResponder
  /** Delay before every response, in milliseconds. */
  latencyMs?: number
}

export interface FakeOpenAI {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234/v1`. */
  url: string
  /** Every request to a chat-completions path, in arrival order (retries included). */
  requests: RecordedRequest[]
  /** The most chat-completions requests that were being answered at the same time. */
  readonly maxInFlight: number
  /** Chat-completions requests being answered right now. */
  readonly inFlight: number
  close(): Promise<void>
}

/** The OpenAI chat-completions success body, with word counts standing in for token counts. */
export function chatCompletionBody(model: string, content: string, promptText = ''): Record<string, unknown> {
  const promptTokens = countWords(promptText)
  const completionTokens = countWords(content)
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens
    }
  }
}

/** OpenAI's error body shape: `{ error: { message, type, code } }`. */
export function openAIErrorBody(
  status: number,
  message = STATUS_CODES[status] ?? 'error'
): Record<string, unknown> {
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null } }
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length
}

const echoLastUserMessage: FakeResponder = ({ messages }) =>
  messages.filter(message => message.role === 'user').at(-1)?.content ?? ''

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const respond = options.respond ?? echoLastUserMessage
  const requests: RecordedRequest[] = []
  let inFlight = 0
  let maxInFlight = 0

  const server = createServer((req, res) => {
    res.on('error', () => {}) // the client may have given up (timeouts); nothing to do
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    if (req.method !== 'POST' || !/\/chat\/completions\/?$/.test(path)) {
      sendJson(res, 404, openAIErrorBody(404, `fake OpenAI: no route for ${req.method} ${path}`))
      return
    }

    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    let settled = false
    const settle = (): void => {
      if (settled) return
      settled = true
      inFlight -= 1
    }
    res.on('finish', settle)
    res.on('close', settle)

    void handleCompletion(req, path).then(
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
        sendJson(res, 500, openAIErrorBody(500, `fake OpenAI: respond threw: ${String(error)}`))
    )
  })

  async function handleCompletion(req: IncomingMessage, path: string): Promise<FakeResponse> {
    const raw = await readBody(req)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a request body is whatever the client sent
    let body: any
    try {
      body = JSON.parse(raw)
    } catch {
      return { status: 400, body: openAIErrorBody(400, 'fake OpenAI: the request body is not JSON') }
    }
    const request: FakeRequest = {
      model: String(body?.model ?? ''),
      messages: Array.isArray(body?.messages) ? body.messages : [],
      body,
      headers: req.headers
    }
    requests.push({ ...request, method: req.method ?? 'POST', path, receivedAt: Date.now() })

    const answer = await respond(request)
    if (typeof answer === 'string') {
      const promptText = request.messages.map(message => message.content).join(' ')
      return { status: 200, body: chatCompletionBody(request.model, answer, promptText) }
    }
    return { ...answer, body: answer.body ?? openAIErrorBody(answer.status) }
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight
    },
    get inFlight() {
      return inFlight
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
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
