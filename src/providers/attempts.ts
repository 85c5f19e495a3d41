export interface AttemptRecorder {
  /** Pass to the SDK as its `fetch`. */
  fetch: typeof fetch
  /** HTTP attempts made so far, retries included. */
  readonly count: number
  msSinceLastAttempt(): number
  /** The body of the last error response, when it could be read. */
  lastErrorText(): Promise<string | undefined>
}

/**
 * Counts the HTTP attempts of one call, times the last one (so retry waits don't count as the model's
 * latency) and keeps the last error response's text (the SDKs drop bodies they don't recognise).
 */
export function createAttemptRecorder(): AttemptRecorder {
  let count = 0
  let lastStartedAt = performance.now()
  let errorText: Promise<string | undefined> = Promise.resolve(undefined)
  const fetchRecordingAttempts: typeof fetch = async (input, init) => {
    count += 1
    lastStartedAt = performance.now()
    const response = await fetch(input, init).catch((error: unknown) => {
      throw asLocalError(error)
    })
    if (!response.ok) errorText = textOf(response.clone())
    return response
  }
  return {
    fetch: fetchRecordingAttempts,
    get count() {
      return count
    },
    msSinceLastAttempt: () => Math.round(performance.now() - lastStartedAt),
    lastErrorText: () => errorText
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
