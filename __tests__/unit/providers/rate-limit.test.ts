import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createRateLimiter, perMinuteLimiter, withRateLimit } from '../../../src/providers/rate-limit.js'
import type { Provider } from '../../../src/providers/types.js'

afterEach(() => {
  jest.useRealTimers()
})

/** Resolves the promise's state after the pending microtasks: 'resolved', 'rejected' or 'pending'. */
async function stateOf(promise: Promise<unknown>): Promise<string> {
  let state = 'pending'
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected')
  )
  await Promise.resolve()
  await Promise.resolve()
  return state
}

describe('createRateLimiter with the default minute', () => {
  it('lets `limit` calls start at once and the next one a minute after the first', async () => {
    jest.useFakeTimers({ now: 0 })
    const limiter = createRateLimiter({ limit: 2 })
    const first = limiter.acquire()
    const second = limiter.acquire()
    const third = limiter.acquire()
    expect(await stateOf(first)).toBe('resolved')
    expect(await stateOf(second)).toBe('resolved')
    expect(await stateOf(third)).toBe('pending')

    await jest.advanceTimersByTimeAsync(59_999)
    expect(await stateOf(third)).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(await stateOf(third)).toBe('resolved')
  })

  it('counts a window from each start, not in fixed minutes', async () => {
    jest.useFakeTimers({ now: 0 })
    const limiter = createRateLimiter({ limit: 2 })
    await limiter.acquire()
    await jest.advanceTimersByTimeAsync(40_000)
    await limiter.acquire()
    const third = limiter.acquire()
    const fourth = limiter.acquire()
    await jest.advanceTimersByTimeAsync(20_000) // t = 60 s: the first start leaves the window
    expect(await stateOf(third)).toBe('resolved')
    expect(await stateOf(fourth)).toBe('pending')
    await jest.advanceTimersByTimeAsync(40_000) // t = 100 s: the start at 40 s leaves it
    expect(await stateOf(fourth)).toBe('resolved')
  })
})

describe('createRateLimiter with a short window', () => {
  it('never lets more than `limit` calls start in any window, in the order they asked', async () => {
    const windowMs = 200
    const limiter = createRateLimiter({ limit: 2, windowMs })
    const starts: Array<{ index: number; at: number }> = []
    const began = Date.now()
    await Promise.all(
      Array.from({ length: 7 }, (_, index) =>
        limiter.acquire().then(() => starts.push({ index, at: Date.now() - began }))
      )
    )

    expect(starts.map(start => start.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
    // A few milliseconds of slack: the test sees each start a moment after the limiter admitted it.
    for (const start of starts) {
      const inWindow = starts.filter(other => other.at >= start.at && other.at < start.at + windowMs - 5)
      expect(inWindow.length).toBeLessThanOrEqual(2)
    }
    expect(starts[2]!.at).toBeGreaterThanOrEqual(windowMs - 5)
    expect(starts[6]!.at).toBeGreaterThanOrEqual(3 * windowMs - 5)
    expect(starts[6]!.at).toBeLessThan(3 * windowMs + 150)
  })

  it('drops a cancelled waiter and lets the next one take its turn', async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 150 })
    await limiter.acquire()
    const controller = new AbortController()
    const cancelled = limiter.acquire(controller.signal)
    const next = limiter.acquire()
    controller.abort()
    await expect(cancelled).rejects.toThrow('cancelled')
    const began = Date.now()
    await next
    expect(Date.now() - began).toBeLessThan(250)
  })

  it('refuses at once when the signal has already aborted', async () => {
    const limiter = createRateLimiter({ limit: 1 })
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toThrow('cancelled')
  })
})

describe('withRateLimit', () => {
  const provider: Provider = {
    ref: { id: 'openai:m' },
    complete: async () => ({ output: 'ok', latencyMs: 1 })
  }
  const request = { messages: [], parameters: {} }

  it('calls the provider once the limiter admits the call', async () => {
    jest.useFakeTimers({ now: 0 })
    const limited = withRateLimit(provider, createRateLimiter({ limit: 1 }))
    await expect(limited.complete(request)).resolves.toMatchObject({ output: 'ok' })
    const second = limited.complete(request)
    expect(await stateOf(second)).toBe('pending')
    await jest.advanceTimersByTimeAsync(60_000)
    await expect(second).resolves.toMatchObject({ output: 'ok' })
  })

  it('reports a call cancelled while it waited the way providers do', async () => {
    const limited = withRateLimit(provider, createRateLimiter({ limit: 1 }))
    await limited.complete(request)
    const controller = new AbortController()
    const waiting = limited.complete(request, controller.signal)
    controller.abort()
    await expect(waiting).rejects.toThrow('openai:m: the request was cancelled.')
  })
})

describe('withRateLimit on a provider with embeddings', () => {
  it('keeps embed, and embeddings wait their turn like completions', async () => {
    jest.useFakeTimers({ now: 0 })
    const embedding: Provider = {
      ref: { id: 'openai:text-embedding-3-small' },
      complete: async () => ({ output: 'ok', latencyMs: 1 }),
      embed: async texts => ({ vectors: texts.map(() => [1, 0]) })
    }
    const limited = withRateLimit(embedding, createRateLimiter({ limit: 1 }))
    await expect(limited.embed?.(['a'])).resolves.toEqual({ vectors: [[1, 0]] })
    const second = limited.embed?.(['b']) as Promise<unknown>
    expect(await stateOf(second)).toBe('pending')
    await jest.advanceTimersByTimeAsync(60_000)
    await expect(second).resolves.toEqual({ vectors: [[1, 0]] })
  })
})

describe('perMinuteLimiter', () => {
  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, '10'])('rejects %p', value => {
    expect(() => perMinuteLimiter('openai:m', value)).toThrow(UserError)
    expect(() => perMinuteLimiter('openai:m', value)).toThrow(
      'requests per minute for openai:m must be a number above 0'
    )
  })

  it('lets a whole number of calls start per minute', async () => {
    jest.useFakeTimers({ now: 0 })
    const limiter = perMinuteLimiter('openai:m', 3)
    const calls = Array.from({ length: 4 }, () => limiter.acquire())
    expect(await Promise.all(calls.slice(0, 3).map(stateOf))).toEqual(['resolved', 'resolved', 'resolved'])
    await jest.advanceTimersByTimeAsync(59_999)
    expect(await stateOf(calls[3]!)).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(await stateOf(calls[3]!)).toBe('resolved')
  })

  it('spreads a fraction out: 0.5 is one call in two minutes', async () => {
    jest.useFakeTimers({ now: 0 })
    const limiter = perMinuteLimiter('openai:m', 0.5)
    await limiter.acquire()
    const second = limiter.acquire()
    await jest.advanceTimersByTimeAsync(119_999)
    expect(await stateOf(second)).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(await stateOf(second)).toBe('resolved')
  })

  it('spreads a fraction out: 2.5 is two calls in 48 seconds', async () => {
    jest.useFakeTimers({ now: 0 })
    const limiter = perMinuteLimiter('openai:m', 2.5)
    await limiter.acquire()
    await limiter.acquire()
    const third = limiter.acquire()
    await jest.advanceTimersByTimeAsync(47_999)
    expect(await stateOf(third)).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(await stateOf(third)).toBe('resolved')
  })
})
