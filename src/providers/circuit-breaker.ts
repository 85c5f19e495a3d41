import { ProviderTimeoutError } from './attempts.js'
import type { Deadline } from './deadline.js'
import { linkedSignal } from './linked-signal.js'
import type { Provider } from './types.js'

/** Calls that timed out in a row (each after its own retries) before a provider is given up on. */
export const DEFAULT_BREAKER_THRESHOLD = 3

export interface CircuitBreaker {
  /** Undefined while calls may go out; the error every call gets once the breaker tripped. */
  readonly openError: Error | undefined
  succeeded(): void
  timedOut(error: Error): void
}

/**
 * Trips after `threshold` consecutive timed-out calls: a dead or hanging server would otherwise cost
 * every remaining call its timeout and retries. Any call that ends otherwise resets the count.
 */
export function createCircuitBreaker(
  providerId: string,
  threshold = DEFAULT_BREAKER_THRESHOLD
): CircuitBreaker {
  let consecutive = 0
  let openError: Error | undefined
  return {
    get openError() {
      return openError
    },
    succeeded() {
      consecutive = 0
    },
    timedOut(error) {
      consecutive += 1
      if (consecutive >= threshold && !openError) {
        openError = new Error(
          `${providerId} was not called: it timed out on ${consecutive} calls in a row (the last: ${error.message}), ` +
            'so promptgate stopped calling it for the rest of the run. Check that the server is up, or raise request-timeout.'
        )
      }
    }
  }
}

export interface TimeoutGuard {
  breaker: CircuitBreaker
  deadline?: Deadline
}

/**
 * The provider behind the run's deadline and its circuit breaker: once either is spent, calls fail at
 * once instead of waiting. A call cut short by the deadline rejects with the deadline's UserError,
 * which ends the run.
 */
export function withTimeoutGuard(provider: Provider, { breaker, deadline }: TimeoutGuard): Provider {
  async function guarded<T>(
    signal: AbortSignal | undefined,
    call: (signal?: AbortSignal) => Promise<T>
  ): Promise<T> {
    if (deadline?.expired) throw deadline.error()
    if (breaker.openError) throw breaker.openError
    const linked = linkedSignal([signal, deadline?.signal])
    try {
      const result = await call(linked.signal)
      breaker.succeeded()
      return result
    } catch (error) {
      if (deadline?.expired) throw deadline.error()
      if (error instanceof ProviderTimeoutError) breaker.timedOut(error)
      else breaker.succeeded()
      throw error
    } finally {
      linked.dispose()
    }
  }
  const embed = provider.embed?.bind(provider)
  return {
    ref: provider.ref,
    ...(embed
      ? { embed: (texts: string[], signal?: AbortSignal) => guarded(signal, s => embed(texts, s)) }
      : {}),
    complete: (request, signal) => guarded(signal, s => provider.complete(request, s))
  }
}
