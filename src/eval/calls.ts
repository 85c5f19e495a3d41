import { createHash } from 'node:crypto'
import { errorMessage, isUserError, UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest, Provider } from '../providers/types.js'
import type { ResultCache } from './cache.js'
import { stableStringify } from './hash.js'
import type { Scheduler } from './scheduler.js'
import type { CallResult } from './types.js'

export interface CallMaker {
  /**
   * The answer to the call with this hash, asked once per run however often it is requested, and not at
   * all when the cache has it. A call that fails after the provider's retries resolves with `error` set,
   * so no result is lost; only UserErrors (configuration the user must fix) reject.
   */
  call(hash: string, provider: ProviderRef, request: CompletionRequest): Promise<CallResult>
  /**
   * The text's embedding, asked once per run per provider and text, and not at all when the cache has it.
   * Rejects with an Error when the request fails after its retries, and with a UserError when the
   * provider has no embeddings API.
   */
  embed(provider: ProviderRef, text: string): Promise<number[]>
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
  const embeddings = new Map<string, Promise<number[]>>()
  let cached = 0
  let admitted: Promise<unknown> = Promise.resolve()

  /**
   * The cached result, read in parallel with the other calls' reads; but a call reaches the scheduler only
   * after every call asked before it did, so calls go out in plan order whichever read finishes first.
   */
  function lookUp(hash: string, ref: ProviderRef): Promise<CallResult | undefined> {
    if (!cache || !isCacheable(ref)) return Promise.resolve(undefined)
    const read = cache.get(hash, ref)
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
    if (isCacheable(ref)) await cache?.set(hash, result, ref)
    return result
  }

  async function makeEmbedding(hash: string, ref: ProviderRef, text: string): Promise<number[]> {
    const provider = providers.get(ref)
    if (!provider.embed) throw noEmbeddings(ref)
    const stored = await lookUp(hash, ref)
    const storedVector = stored && parseVector(stored.output)
    if (storedVector) {
      cached += 1
      return storedVector
    }
    const startedAt = performance.now()
    const embedding = await scheduler.run(() => provider.embed!([text], signal))
    const vector = embedding.vectors[0]
    if (!vector) throw new Error(`${ref.id} returned no embedding`)
    // Stored as a call result whose output is the vector, so the one cache holds both kinds.
    const result: CallResult = {
      output: JSON.stringify(vector),
      latencyMs: Math.round(performance.now() - startedAt)
    }
    if (isCacheable(ref)) await cache?.set(hash, result, ref)
    return vector
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
    embed(provider, text) {
      const hash = hashEmbedding(provider, text)
      let vector = embeddings.get(hash)
      if (!vector) {
        vector = makeEmbedding(hash, provider, text)
        embeddings.set(hash, vector)
      }
      return vector
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

/**
 * Distinct from every completion's hash: the identity has a member that `hashCall`'s never has. Like
 * `hashCall`, it names the key's variable; the key itself the result cache adds (`credentialOf`).
 */
export function hashEmbedding(provider: ProviderRef, text: string): string {
  const identity = {
    v: 2,
    embedding: text,
    provider: provider.id,
    baseUrl: provider.baseUrl ?? null,
    apiKeyEnv: provider.apiKeyEnv ?? null
  }
  return createHash('sha256').update(stableStringify(identity)).digest('hex')
}

function parseVector(text: string): number[] | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (Array.isArray(value) && value.length > 0 && value.every(item => typeof item === 'number'))
      return value
  } catch {
    // Not a stored embedding: asked again.
  }
  return undefined
}

function noEmbeddings(ref: ProviderRef): UserError {
  return new UserError(
    `${ref.id} has no embeddings API, which "similar" needs: set "provider:" on the assertion, or the ` +
      'config\'s "grader", to an OpenAI-compatible embedding model, e.g. openai:text-embedding-3-small ' +
      'or github:openai/text-embedding-3-small'
  )
}
