import { errorMessage, isUserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest, Provider } from '../providers/types.js'
import type { ResultCache } from './cache.js'
import type { Scheduler } from './scheduler.js'
import type { CallResult } from './types.js'

export interface CallMaker {
  /**
   * The answer to the call with this hash, asked once per run however often it is requested, and not at
   * all when the cache has it. A call that fails after the provider's retries resolves with `error` set,
   * so no result is lost; only UserErrors (configuration the user must fix) reject.
   */
  call(hash: string, provider: ProviderRef, request: CompletionRequest): Promise<CallResult>
  /** Distinct calls answered from the cache. */
  readonly cached: number
}

export function createCallMaker(
  scheduler: Scheduler,
  providers: { get(ref: ProviderRef): Provider },
  signal: AbortSignal,
  cache?: ResultCache
): CallMaker {
  const results = new Map<string, Promise<CallResult>>()
  let cached = 0
  let admitted: Promise<unknown> = Promise.resolve()

  /**
   * The cached result, read in parallel with the other calls' reads; but a call reaches the scheduler only
   * after every call asked before it did, so calls go out in plan order whichever read finishes first.
   */
  function lookUp(hash: string, ref: ProviderRef): Promise<CallResult | undefined> {
    if (!cache || !isCacheable(ref)) return Promise.resolve(undefined)
    const read = cache.get(hash)
    const turn = admitted.then(() => read)
    admitted = turn.catch(() => undefined)
    return turn
  }

  async function makeCall(hash: string, ref: ProviderRef, request: CompletionRequest): Promise<CallResult> {
    const provider = providers.get(ref)
    const stored = await lookUp(hash, ref)
    if (stored) {
      cached += 1
      return { ...stored, cached: true }
    }
    let result: CallResult
    try {
      const completion = await scheduler.run(() => provider.complete(request, signal))
      result = { output: completion.output, latencyMs: completion.latencyMs }
      if (completion.tokens) result.tokens = completion.tokens
      if (completion.cost !== undefined) result.cost = completion.cost
    } catch (error) {
      if (isUserError(error)) throw error
      return { output: '', error: errorMessage(error), latencyMs: 0 }
    }
    // Written as soon as it is answered, so a run cut short keeps what it paid for.
    if (isCacheable(ref)) await cache?.set(hash, result)
    return result
  }

  return {
    call(hash, provider, request) {
      let result = results.get(hash)
      if (!result) {
        result = makeCall(hash, provider, request)
        results.set(hash, result)
      }
      return result
    },
    get cached() {
      return cached
    }
  }
}

/**
 * A command's answer depends on its program and the files it reads, which no call hash can cover; only
 * model APIs are cached.
 */
function isCacheable(ref: ProviderRef): boolean {
  return !ref.id.startsWith('command:')
}
