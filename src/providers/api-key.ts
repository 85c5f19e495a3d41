import { UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'

/** Local servers (Ollama, vLLM, llama.cpp, LiteLLM) usually ignore the key, but the SDKs want one. */
const PLACEHOLDER_API_KEY = 'no-key-needed'

export interface ApiKey {
  value: string
  /** The environment variable it was read from, for error hints. */
  variable: string
}

/**
 * The key from `ref.apiKeyEnv` or the kind's usual variable. A local server may go without one; a remote
 * one may not, so the run stops before the first call with a sentence saying which variable to set.
 */
export function readApiKey(
  ref: ProviderRef,
  baseURL: string,
  defaultVariable: string,
  env: Record<string, string | undefined>
): ApiKey {
  const local = isLocalHost(hostnameOf(baseURL))
  const variable = ref.apiKeyEnv ?? defaultVariable
  const value = env[variable]
  if (value) return { value, variable }
  if (local) return { value: PLACEHOLDER_API_KEY, variable }
  throw new UserError(
    `${ref.id} needs an API key: set the environment variable ${variable} ` +
      `(e.g. from a repository secret), or name another one with api_key_env`
  )
}

/** The hostname of a base URL; a UserError for anything but an http(s) URL. */
export function hostnameOf(url: string): string {
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

/** The credentials a URL carries: its user name, password and query values (`?api-key=...`). */
export function secretsInUrl(url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  const values = [parsed.username, parsed.password, ...parsed.searchParams.values()]
  return [...values, ...values.map(decodedOrSelf)].filter(value => value !== '')
}

function decodedOrSelf(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
