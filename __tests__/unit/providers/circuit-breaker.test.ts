import { describe, expect, it } from '@jest/globals'
import { isUserError } from '../../../src/errors.js'
import { ProviderTimeoutError } from '../../../src/providers/attempts.js'
import { createCircuitBreaker, withTimeoutGuard } from '../../../src/providers/circuit-breaker.js'
import { createDeadline } from '../../../src/providers/deadline.js'
import type { Provider } from '../../../src/providers/types.js'
import { failureOf } from '../../helpers/failure-of.js'

const request = { messages: [{ role: 'user' as const, content: 'hi' }], parameters: {} }

/** A provider whose calls answer as `outcomes` say, in turn; counts the calls that reached it. */
function scripted(outcomes: ('ok' | 'timeout' | 'error' | 'hang')[]) {
  let calls = 0
  const provider: Provider = {
    ref: { id: 'openai:m' },
    async complete(_request, signal) {
      const outcome = outcomes[calls++] ?? 'ok'
      if (outcome === 'timeout') throw new ProviderTimeoutError('openai:m did not answer within 10 ms.')
      if (outcome === 'error') throw new Error('openai:m answered 500.')
      if (outcome === 'hang') {
        await new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('cancelled')))
        )
      }
      return { output: 'ok', latencyMs: 1 }
    }
  }
  return { provider, calls: () => calls }
}

describe('the circuit breaker', () => {
  it('trips after 3 timed-out calls in a row; later calls fail at once without reaching the provider', async () => {
    const { provider, calls } = scripted(['timeout', 'timeout', 'timeout', 'ok'])
    const guarded = withTimeoutGuard(provider, { breaker: createCircuitBreaker('openai:m') })
    for (let i = 0; i < 3; i++) await failureOf(guarded.complete(request))
    const error = await failureOf(guarded.complete(request))
    expect(error.message).toMatch(/openai:m was not called: it timed out on 3 calls in a row/)
    expect(calls()).toBe(3)
  })

  it('counts only consecutive timeouts', async () => {
    const { provider, calls } = scripted(['timeout', 'timeout', 'ok', 'timeout', 'error', 'timeout', 'ok'])
    const guarded = withTimeoutGuard(provider, { breaker: createCircuitBreaker('openai:m') })
    for (let i = 0; i < 7; i++) await guarded.complete(request).catch(() => undefined)
    expect(calls()).toBe(7)
  })
})

describe('the deadline', () => {
  it('cancels the calls in flight and fails later ones with a UserError naming the setting', async () => {
    const { provider, calls } = scripted(['hang'])
    const guarded = withTimeoutGuard(provider, {
      breaker: createCircuitBreaker('openai:m'),
      deadline: createDeadline(100, 'the "deadline" input')
    })
    const inFlight = await failureOf(guarded.complete(request))
    expect(isUserError(inFlight)).toBe(true)
    expect(inFlight.message).toMatch(/passed its deadline of 0\.00 minutes \(the "deadline" input\)/)
    const later = await failureOf(guarded.complete(request))
    expect(isUserError(later)).toBe(true)
    expect(calls()).toBe(1)
  })
})
