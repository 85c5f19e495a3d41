import { UserError } from '../errors.js'
import type { Deadline } from './deadline.js'
import { linkedSignal } from './linked-signal.js'

export interface AttemptRecorder {
  /** Pass to the SDK as its `fetch`. */
  fetch: typeof fetch
  /** HTTP attempts made so far, retries included. */
  readonly count: number
  msSinceLastAttempt(): number
  /** The body of the last error response, when it could be read. */
  lastErrorText(): Promise<string | undefined>
  /**
   * What ended the call when the SDK's own error would hide it: every attempt allowed timed out
   * (a ProviderTimeoutError), or a rate limit asked to wait past the deadline (a UserError).
   */
  failure(providerId: string): Error | undefined
}

export interface AttemptOptions {
  /** Each attempt's limit, headers and body together, in milliseconds. */
  timeoutMs: number
  /** How often a timed-out attempt is tried again (default 2); other failures keep the SDK's retries. */
  timeoutRetries?: number
  /** The whole evaluation's deadline: a rate limit that asks to wait past it ends the run. */
  deadline?: Deadline
}

/** A call whose every allowed attempt timed out; the circuit breaker counts these. */
export class ProviderTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProviderTimeoutError'
  }
}

const DEFAULT_TIMEOUT_RETRIES = 2
/** Added to the SDK's timeout, so that the recorder's per-attempt timer always fires first. */
export const SDK_TIMEOUT_SLACK_MS = 5_000

/**
 * Counts the HTTP attempts of one call, times the last one (so retry waits don't count as the model's
 * latency) and keeps the last error response's text (the SDKs drop bodies they don't recognise).
 *
 * It also owns each attempt's timeout and reads the whole body before the SDK sees it, so that the
 * SDK's retries cover what they would not: a 200 whose body is cut off or is not JSON comes back to
 * the SDK as a 502 (retried like any 5xx), and a timeout as a 408 that may be retried at most
 * `timeoutRetries` times, however many retries 429s and 5xx get.
 */
export function createAttemptRecorder(options: AttemptOptions): AttemptRecorder {
  const timeoutRetries = options.timeoutRetries ?? DEFAULT_TIMEOUT_RETRIES
  let count = 0
  let timeouts = 0
  let lastStartedAt = performance.now()
  let lastOutcome: 'timeout' | 'rate-limited-past-deadline' | 'other' = 'other'
  let retryAfterMs = 0
  let errorText: Promise<string | undefined> = Promise.resolve(undefined)

  const fetchRecordingAttempts: typeof fetch = async (input, init) => {
    count += 1
    lastStartedAt = performance.now()
    lastOutcome = 'other'
    // Not AbortSignal.timeout: its timer would outlive every finished attempt by the whole timeout.
    const timer = new AbortController()
    const handle = setTimeout(() => timer.abort(), options.timeoutMs)
    const linked = linkedSignal([init?.signal ?? undefined, timer.signal])
    try {
      return await attempt(input, init, timer.signal, linked.signal)
    } finally {
      clearTimeout(handle)
      linked.dispose()
    }
  }

  async function attempt(
    input: Parameters<typeof fetch>[0],
    init: Parameters<typeof fetch>[1],
    timeout: AbortSignal,
    signal: AbortSignal
  ): Promise<Response> {
    const callerSignal = init?.signal ?? undefined
    const timedOut = (): boolean => timeout.aborted && !callerSignal?.aborted

    let response: Response
    try {
      response = await fetch(input, { ...init, signal })
    } catch (error) {
      if (timedOut()) return timeoutResponse()
      throw asLocalError(error)
    }

    if (!response.ok) {
      const waitMs = retryAfter(response)
      if (waitMs !== undefined && options.deadline && waitMs > options.deadline.remainingMs()) {
        lastOutcome = 'rate-limited-past-deadline'
        retryAfterMs = waitMs
        errorText = textOf(response.clone())
        return withHeader(response, 'x-should-retry', 'false')
      }
      errorText = textOf(response.clone())
      return response
    }

    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (timedOut()) return timeoutResponse()
      if (callerSignal?.aborted) throw asLocalError(error)
      return badBody('the response body was cut off')
    }
    if (isJson(response) && !parsesAsJson(text)) return badBody('the response body is not valid JSON')
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    })
  }

  function timeoutResponse(): Response {
    timeouts += 1
    lastOutcome = 'timeout'
    const message = `no answer within ${options.timeoutMs} ms`
    errorText = Promise.resolve(JSON.stringify({ error: { message } }))
    return new Response(JSON.stringify({ error: { message } }), {
      status: 408,
      headers: {
        'content-type': 'application/json',
        'x-should-retry': timeouts <= timeoutRetries ? 'true' : 'false'
      }
    })
  }

  function badBody(message: string): Response {
    const body = JSON.stringify({ error: { message: `${message} (after a 200)` } })
    errorText = Promise.resolve(body)
    return new Response(body, { status: 502, headers: { 'content-type': 'application/json' } })
  }

  return {
    fetch: fetchRecordingAttempts,
    get count() {
      return count
    },
    msSinceLastAttempt: () => Math.round(performance.now() - lastStartedAt),
    lastErrorText: () => errorText,
    failure(providerId) {
      if (lastOutcome === 'timeout') {
        const tries = count > 1 ? ` in any of ${count} attempts` : ''
        return new ProviderTimeoutError(
          `${providerId} did not answer within ${options.timeoutMs} ms${tries}.`
        )
      }
      if (lastOutcome === 'rate-limited-past-deadline' && options.deadline) {
        return rateLimitPastDeadline(providerId, retryAfterMs, options.deadline)
      }
      return undefined
    }
  }
}

function rateLimitPastDeadline(providerId: string, waitMs: number, deadline: Deadline): UserError {
  const at = new Date(Date.now() + waitMs).toISOString().replace(/\.\d+Z$/, 'Z')
  const left = Math.max(0, Math.round(deadline.remainingMs() / 1000))
  return new UserError(
    `${providerId} is rate-limited and asks to wait ${Math.ceil(waitMs / 1000)} s, past the ${deadline.description} ` +
      `(${left} s left), so promptgate stopped. Retry after ${at}, or lower the calls per minute: ` +
      '"concurrency", the provider\'s "requests_per_minute", or the size of the golden set.'
  )
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date; undefined when neither is set. */
function retryAfter(response: Response): number | undefined {
  const ms = Number.parseFloat(response.headers.get('retry-after-ms') ?? '')
  if (Number.isFinite(ms) && ms >= 0) return ms
  const header = response.headers.get('retry-after')
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function withHeader(response: Response, name: string, value: string): Response {
  const headers = new Headers(response.headers)
  headers.set(name, value)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

function isJson(response: Response): boolean {
  return /\bjson\b/i.test(response.headers.get('content-type') ?? '')
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function textOf(response: Response): Promise<string | undefined> {
  return response.text().catch(() => undefined)
}

/**
 * The SDKs tell timeouts and connection failures apart with `instanceof Error` and the error's name; an
 * error from another realm (fetch's DOMException under a VM, as in Jest) would lose both.
 */
function asLocalError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown }
  return Object.assign(new Error(String(message ?? 'fetch failed'), { cause }), {
    name: String(name ?? 'Error')
  })
}
