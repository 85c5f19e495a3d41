import { UserError } from '../errors.js'
import type { Provider } from './types.js'

export interface RateLimiter {
  /** Resolves when one more call may start; rejects with a cancellation error when the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<void>
}

export interface RateLimiterOptions {
  /** The most calls that may start in any window. */
  limit: number
  /** Default 60 seconds. */
  windowMs?: number
}

const MINUTE_MS = 60_000

/**
 * Delays calls so that no more than `limit` start in any window of `windowMs`: a bucket of `limit`
 * tokens, each coming back one window after it was spent. (A bucket refilled at a steady rate would let
 * up to twice the limit through in one window.) Calls start in the order they asked.
 */
export function createRateLimiter({ limit, windowMs = MINUTE_MS }: RateLimiterOptions): RateLimiter {
  /** When the calls of the last window started, ascending. */
  const started: number[] = []
  const waiting: Array<() => void> = []
  let timer: ReturnType<typeof setTimeout> | undefined

  function admitWhatFits(): void {
    const now = Date.now()
    while (started.length > 0 && started[0]! <= now - windowMs) started.shift()
    while (waiting.length > 0 && started.length < limit) {
      started.push(now)
      waiting.shift()!()
    }
    if (waiting.length > 0 && timer === undefined) {
      // Full: the oldest start leaves the window first.
      const delay = Math.max(1, started[0]! + windowMs - now)
      timer = setTimeout(() => {
        timer = undefined
        admitWhatFits()
      }, delay)
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(cancelled())
      return new Promise<void>((resolve, reject) => {
        const admit = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          const index = waiting.indexOf(admit)
          if (index >= 0) waiting.splice(index, 1)
          if (waiting.length === 0 && timer !== undefined) {
            clearTimeout(timer)
            timer = undefined
          }
          reject(cancelled())
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        waiting.push(admit)
        admitWhatFits()
      })
    }
  }
}

/** The provider, with every call waiting for the limiter first. */
export function withRateLimit(provider: Provider, limiter: RateLimiter): Provider {
  const acquire = async (signal?: AbortSignal) => {
    try {
      await limiter.acquire(signal)
    } catch {
      throw new Error(`${provider.ref.id}: the request was cancelled.`)
    }
  }
  const embed = provider.embed?.bind(provider)
  return {
    ref: provider.ref,
    ...(embed
      ? {
          async embed(texts: string[], signal?: AbortSignal) {
            await acquire(signal)
            return embed(texts, signal)
          }
        }
      : {}),
    async complete(request, signal) {
      await acquire(signal)
      return provider.complete(request, signal)
    }
  }
}

/**
 * The limiter for a requests-per-minute figure. A whole number N lets N calls start in any minute; a
 * fraction spreads them out: 0.5 is one call in any two minutes, 2.5 two calls in any 48 seconds.
 */
export function perMinuteLimiter(providerId: string, perMinute: unknown): RateLimiter {
  if (typeof perMinute !== 'number' || !Number.isFinite(perMinute) || perMinute <= 0) {
    throw new UserError(
      `requests per minute for ${providerId} must be a number above 0, not ${JSON.stringify(perMinute)}`
    )
  }
  const limit = Math.max(1, Math.floor(perMinute))
  return createRateLimiter({ limit, windowMs: (MINUTE_MS * limit) / perMinute })
}

function cancelled(): Error {
  return new Error('cancelled while waiting for the rate limit')
}
