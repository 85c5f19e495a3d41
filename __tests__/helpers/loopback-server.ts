/**
 * The plumbing shared by the fake model APIs (`fake-openai.ts`, `fake-anthropic.ts`): a real HTTP server
 * on 127.0.0.1 that answers JSON `POST`s to one route, records every request it parsed, counts the ones
 * in flight, and sends each answer after an optional delay. What a request means, and the API's error
 * shape, are the caller's.
 *
 * - A request that is not a `POST` to `route` gets 404 with `errorBody(404, ...)`.
 * - A body that is not JSON gets 400 with `errorBody(400, invalidJsonMessage)` and is not recorded.
 * - Otherwise the request is recorded, then `answer` decides: a string `body` is sent as text/plain,
 *   anything else as JSON, and no body as `errorBody(status)`. If `answer` throws, the client gets 500.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A chat request as the fake API parsed it. */
export interface LoopbackRequest<Message> {
  /** `body.model`, as a string. */
  model: string
  /** `body.messages`, or `[]` when it is not an array. */
  messages: Message[]
  /** The parsed JSON request body, as sent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary request fields
  body: any
  /** Lower-cased header names, as node:http gives them. */
  headers: IncomingHttpHeaders
}

export interface RecordedLoopbackRequest<Message> extends LoopbackRequest<Message> {
  method: string
  /** The request path, e.g. `/v1/chat/completions`. */
  path: string
  /** `Date.now()` when the request arrived. */
  receivedAt: number
}

export interface LoopbackResponse {
  status: number
  /** A string is sent as text/plain, anything else as JSON; when absent, the API's error body for `status`. */
  body?: unknown
  headers?: Record<string, string>
  /** Extra delay for this response only, added to `latencyMs`. */
  delayMs?: number
}

export interface LoopbackServerOptions<Message> {
  /** Names the fake in the messages of its own errors, e.g. `fake OpenAI`. */
  name: string
  /** The paths `POST`s are answered on, e.g. `/\/chat\/completions\/?$/`. */
  route: RegExp
  /** The API's error body for `status`, with its default message when none is given. */
  errorBody(status: number, message?: string): unknown
  /** The message of the 400 for a request body that is not JSON. */
  invalidJsonMessage: string
  /** Delay before every response, in milliseconds. */
  latencyMs?: number
  answer(request: LoopbackRequest<Message>): LoopbackResponse | Promise<LoopbackResponse>
}

export interface LoopbackServer<Message> {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string
  /** Every parsed request to `route`, in arrival order (retries included). */
  requests: RecordedLoopbackRequest<Message>[]
  /** The most requests to `route` that were being answered at the same time. */
  readonly maxInFlight: number
  /** Requests to `route` being answered right now. */
  readonly inFlight: number
  close(): Promise<void>
}

export async function startLoopbackServer<Message>(
  options: LoopbackServerOptions<Message>
): Promise<LoopbackServer<Message>> {
  const { name, errorBody } = options
  const requests: RecordedLoopbackRequest<Message>[] = []
  let inFlight = 0
  let maxInFlight = 0

  const server = createServer((req, res) => {
    res.on('error', () => {}) // the client may have given up (timeouts); nothing to do
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    if (req.method !== 'POST' || !options.route.test(path)) {
      sendJson(res, 404, errorBody(404, `${name}: no route for ${req.method} ${path}`))
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

    void handle(req, path).then(
      async ({ status, body, headers, delayMs }) => {
        await delayUnlessClosed((options.latencyMs ?? 0) + (delayMs ?? 0), res)
        if (res.destroyed) return
        if (typeof body === 'string') {
          res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body)
        } else {
          sendJson(res, status, body ?? errorBody(status), headers)
        }
      },
      (error: unknown) => sendJson(res, 500, errorBody(500, `${name}: respond threw: ${String(error)}`))
    )
  })

  async function handle(req: IncomingMessage, path: string): Promise<LoopbackResponse> {
    const raw = await readBody(req)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a request body is whatever the client sent
    let body: any
    try {
      body = JSON.parse(raw)
    } catch {
      return { status: 400, body: errorBody(400, options.invalidJsonMessage) }
    }
    const request: LoopbackRequest<Message> = {
      model: String(body?.model ?? ''),
      messages: Array.isArray(body?.messages) ? body.messages : [],
      body,
      headers: req.headers
    }
    requests.push({ ...request, method: req.method ?? 'POST', path, receivedAt: Date.now() })
    return options.answer(request)
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    origin: `http://127.0.0.1:${port}`,
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
