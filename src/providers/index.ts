import { UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import { createGitHubModelsProvider } from './github-models.js'
import { createOpenAICompatibleProvider } from './openai-compatible.js'
import type { Provider, ProviderEnvironment } from './types.js'

export interface ProviderRegistry {
  /** The provider for a ref, made once per distinct ref; throws a UserError when it can't be made. */
  get(ref: ProviderRef): Provider
}

const SUPPORTED_KINDS = ['github', 'openai'] as const
const PLANNED_KINDS = ['anthropic', 'command'] as const
const OPENAI_BASE_URL = 'https://api.openai.com/v1'
/** Local servers (Ollama, vLLM, llama.cpp) usually ignore the key, but the SDK wants one. */
const PLACEHOLDER_API_KEY = 'no-key-needed'

export function createProviderRegistry(environment: ProviderEnvironment): ProviderRegistry {
  const providers = new Map<string, Provider>()
  return {
    get(ref) {
      const key = JSON.stringify([ref.id, ref.baseUrl ?? null, ref.apiKeyEnv ?? null])
      let provider = providers.get(key)
      if (!provider) {
        provider = createProvider(ref, environment)
        providers.set(key, provider)
      }
      return provider
    }
  }
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

function createProvider(ref: ProviderRef, environment: ProviderEnvironment): Provider {
  const { kind, model } = parseProviderId(ref.id)
  switch (kind) {
    case 'github':
      return createGitHubModelsProvider(ref, model, environment)
    case 'openai':
      return createOpenAIProvider(ref, model, environment)
    default:
      if ((PLANNED_KINDS as readonly string[]).includes(kind)) {
        throw new UserError(
          `provider kind "${kind}" (${ref.id}) is not supported yet; use github: or openai:`
        )
      }
      throw new UserError(
        `unknown provider kind "${kind}" in "${ref.id}"; the kinds are ${[...SUPPORTED_KINDS, ...PLANNED_KINDS].join(', ')}`
      )
  }
}

function createOpenAIProvider(ref: ProviderRef, model: string, environment: ProviderEnvironment): Provider {
  const baseURL = ref.baseUrl ?? OPENAI_BASE_URL
  const hostname = hostnameOf(baseURL)
  const keyVariable = ref.apiKeyEnv ?? 'OPENAI_API_KEY'
  let apiKey = environment.env[keyVariable]
  if (!apiKey) {
    if (!isLocalHost(hostname)) {
      throw new UserError(
        `${ref.id} needs an API key: set the environment variable ${keyVariable} ` +
          `(e.g. from a repository secret), or name another one with api_key_env`
      )
    }
    apiKey = PLACEHOLDER_API_KEY
  }
  return createOpenAICompatibleProvider(ref, {
    baseURL,
    apiKey,
    model,
    timeoutMs: environment.timeoutMs,
    maxRetries: environment.maxRetries,
    authHint: `Check the API key in ${keyVariable}.`
  })
}

function hostnameOf(url: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  // `localhost:11434` parses, with `localhost:` as its protocol.
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UserError(
      `provider base_url "${url}" is not a valid URL; write it like http://localhost:11434/v1`
    )
  }
  return parsed.hostname
}

function isLocalHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    hostname === '0.0.0.0' ||
    hostname === 'host.docker.internal' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  )
}
