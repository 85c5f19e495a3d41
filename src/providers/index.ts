import { isUserError, UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import { anthropicRoot, createAnthropicProvider } from './anthropic.js'
import { HTTP_PROVIDER_DEFAULTS } from './defaults.js'
import { readApiKey, secretsInUrl } from './api-key.js'
import { createCommandProvider } from './command.js'
import { checkedPrice, withCost } from './cost.js'
import { createGitHubModelsProvider } from './github-models.js'
import { createOpenAICompatibleProvider } from './openai-compatible.js'
import { createCircuitBreaker, withTimeoutGuard, type CircuitBreaker } from './circuit-breaker.js'
import { builtInPrice, type ModelPrice } from './prices.js'
import { perMinuteLimiter, withRateLimit, type RateLimiter } from './rate-limit.js'
import { requireTrustedProvider } from './trust.js'
import type { Provider, ProviderEnvironment } from './types.js'

export interface ProviderRegistry {
  /** The provider for a ref, made once per distinct ref; throws a UserError when it can't be made. */
  get(ref: ProviderRef): Provider
}

const KINDS = ['github', 'openai', 'anthropic', 'command'] as const
type Kind = (typeof KINDS)[number]

/**
 * Makes providers from refs: the kind's client, then the price (cost on every completion that reports
 * tokens), then the rate limit, which all refs with the same provider id share.
 */
export function createProviderRegistry(environment: ProviderEnvironment): ProviderRegistry {
  const providers = new Map<string, Provider>()
  const limiters = new Map<string, RateLimiter>()
  const breakers = new Map<string, CircuitBreaker>()

  function limiterFor(id: string): RateLimiter | undefined {
    const perMinute = environment.requestsPerMinute?.[id]
    if (perMinute === undefined) return undefined
    let limiter = limiters.get(id)
    if (!limiter) {
      limiter = perMinuteLimiter(id, perMinute)
      limiters.set(id, limiter)
    }
    return limiter
  }

  function make(ref: ProviderRef): Provider {
    const { kind, model } = parseProviderId(ref.id)
    // Before the provider is made: an untrusted one must not even read its key.
    if (environment.trust) requireTrustedProvider(ref, environment.trust)
    let provider = withCost(
      createProvider(ref, kind, model, environment),
      priceFor(ref.id, kind, model, environment)
    )
    const limiter = limiterFor(ref.id)
    if (limiter) provider = withRateLimit(provider, limiter)
    // Outermost: a spent deadline or a tripped breaker fails the call without waiting for the limit.
    return withTimeoutGuard(provider, {
      breaker: breakerFor(breakers, ref, environment.breakerThreshold),
      deadline: environment.deadline
    })
  }

  return {
    get(ref) {
      const key = JSON.stringify([ref.id, ref.baseUrl ?? null, ref.apiKeyEnv ?? null])
      let provider = providers.get(key)
      if (!provider) {
        try {
          provider = make(ref)
        } catch (error) {
          // A problem with a provider is reported where it was asked for.
          if (isUserError(error) && error.file === undefined && ref.origin) {
            throw new UserError(error.message, ref.origin)
          }
          throw error
        }
        providers.set(key, provider)
      }
      return provider
    }
  }
}

/** One breaker per server: refs that differ only in their key still hit the same one. */
function breakerFor(
  breakers: Map<string, CircuitBreaker>,
  ref: ProviderRef,
  threshold?: number
): CircuitBreaker {
  const server = JSON.stringify([ref.id, ref.baseUrl ?? null])
  let breaker = breakers.get(server)
  if (!breaker) {
    breaker = createCircuitBreaker(ref.id, threshold)
    breakers.set(server, breaker)
  }
  return breaker
}

/** Splits `<kind>:<model>` at the first colon; the model may contain colons (`llama3:8b`) and slashes. */
export function parseProviderId(id: string): { kind: string; model: string } {
  const colon = id.indexOf(':')
  const kind = colon > 0 ? id.slice(0, colon) : ''
  const model = colon > 0 ? id.slice(colon + 1).trim() : ''
  if (!kind || !model) {
    throw new UserError(
      `provider "${id}" is not of the form <kind>:<model>, e.g. github:openai/gpt-4o-mini or openai:gpt-4o-mini`
    )
  }
  return { kind, model }
}

function createProvider(
  ref: ProviderRef,
  kind: string,
  model: string,
  environment: ProviderEnvironment
): Provider {
  switch (kind as Kind) {
    case 'github':
      return createGitHubModelsProvider(ref, model, environment)
    case 'openai':
      return createOpenAIProvider(ref, model, environment)
    case 'anthropic':
      return createAnthropicFromRef(ref, model, environment)
    case 'command':
      return createCommandProvider(ref, model, {
        cwd: environment.workdir ?? process.cwd(),
        env: environment.env,
        timeoutMs: environment.timeoutMs
      })
    default:
      throw new UserError(`unknown provider kind "${kind}" in "${ref.id}"; the kinds are ${KINDS.join(', ')}`)
  }
}

/** The configured price wins; a command has no model name to look up. */
function priceFor(
  id: string,
  kind: string,
  model: string,
  environment: ProviderEnvironment
): ModelPrice | undefined {
  const configured = environment.prices?.[id]
  if (configured) return checkedPrice(id, configured)
  return kind === 'command' ? undefined : builtInPrice(model)
}

function createOpenAIProvider(ref: ProviderRef, model: string, environment: ProviderEnvironment): Provider {
  const { baseUrl, keyVariable } = HTTP_PROVIDER_DEFAULTS.openai!
  const baseURL = ref.baseUrl ?? baseUrl
  const key = readApiKey(ref, baseURL, keyVariable, environment.env)
  for (const secret of [key.value, ...secretsInUrl(baseURL)]) environment.onSecret?.(secret)
  return createOpenAICompatibleProvider(ref, {
    baseURL,
    apiKey: key.value,
    model,
    timeoutMs: environment.timeoutMs,
    maxRetries: environment.maxRetries,
    authHint: `Check the API key in ${key.variable}.`,
    deadline: environment.deadline
  })
}

function createAnthropicFromRef(ref: ProviderRef, model: string, environment: ProviderEnvironment): Provider {
  const { baseUrl, keyVariable } = HTTP_PROVIDER_DEFAULTS.anthropic!
  const baseURL = anthropicRoot(ref.baseUrl ?? baseUrl)
  const key = readApiKey(ref, baseURL, keyVariable, environment.env)
  for (const secret of [key.value, ...secretsInUrl(baseURL)]) environment.onSecret?.(secret)
  return createAnthropicProvider(ref, {
    baseURL,
    apiKey: key.value,
    model,
    timeoutMs: environment.timeoutMs,
    maxRetries: environment.maxRetries,
    authHint: `Check the API key in ${key.variable}.`,
    deadline: environment.deadline
  })
}
