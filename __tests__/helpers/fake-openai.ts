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
import { STATUS_CODES } from 'node:http'
import {
  startLoopbackServer,
  type LoopbackRequest,
  type LoopbackResponse,
  type RecordedLoopbackRequest
} from './loopback-server.js'

export interface FakeChatMessage {
  role: string
  content: string
}

export type FakeRequest = LoopbackRequest<FakeChatMessage>

export type RecordedRequest = RecordedLoopbackRequest<FakeChatMessage>

/** `body` when absent: OpenAI's error JSON for `status`. */
export type FakeResponse = LoopbackResponse

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
  const server = await startLoopbackServer<FakeChatMessage>({
    name: 'fake OpenAI',
    route: /\/chat\/completions\/?$/,
    errorBody: openAIErrorBody,
    invalidJsonMessage: 'fake OpenAI: the request body is not JSON',
    latencyMs: options.latencyMs,
    answer: async request => {
      const answer = await respond(request)
      if (typeof answer !== 'string') return answer
      const promptText = request.messages.map(message => message.content).join(' ')
      return { status: 200, body: chatCompletionBody(request.model, answer, promptText) }
    }
  })
  return {
    url: `${server.origin}/v1`,
    requests: server.requests,
    get maxInFlight() {
      return server.maxInFlight
    },
    get inFlight() {
      return server.inFlight
    },
    close: () => server.close()
  }
}
