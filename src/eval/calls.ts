import { errorMessage, isUserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest, Provider } from '../providers/types.js'
import type { Scheduler } from './scheduler.js'
import type { CallResult } from './types.js'

export interface CallMaker {
  /**
   * The answer to the call with this hash, asked once per run however often it is requested.
   * A call that fails after the provider's retries resolves with `error` set, so no result is lost;
   * only UserErrors (configuration the user must fix) reject.
   */
  call(hash: string, provider: ProviderRef, request: CompletionRequest): Promise<CallResult>
}

export function createCallMaker(
  scheduler: Scheduler,
  providers: { get(ref: ProviderRef): Provider },
  signal: AbortSignal
): CallMaker {
  const results = new Map<string, Promise<CallResult>>()

  async function makeCall(ref: ProviderRef, request: CompletionRequest): Promise<CallResult> {
    const provider = providers.get(ref)
    try {
      const completion = await scheduler.run(() => provider.complete(request, signal))
      const result: CallResult = { output: completion.output, latencyMs: completion.latencyMs }
      if (completion.tokens) result.tokens = completion.tokens
      if (completion.cost !== undefined) result.cost = completion.cost
      return result
    } catch (error) {
      if (isUserError(error)) throw error
      return { output: '', error: errorMessage(error), latencyMs: 0 }
    }
  }

  return {
    call(hash, provider, request) {
      let result = results.get(hash)
      if (!result) {
        result = makeCall(provider, request)
        results.set(hash, result)
      }
      return result
    }
  }
}
