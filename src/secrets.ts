import type { ProviderRef } from './prompts/types.js'
import { secretsInUrl } from './providers/api-key.js'

const REDACTED = '***'
/** Shorter values are too likely to occur by chance in ordinary text to be worth masking. */
const MIN_SECRET_LENGTH = 6

/** Replaces every occurrence of each secret in text; the last line of defence before text leaves the process. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let redacted = text
  const unique = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))]
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of unique.sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(secret).join(REDACTED)
  }
  return redacted
}

/** Invisible characters a model could slip into an echoed secret so that it no longer matches. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g

/**
 * Every string in a value (the comparison, with model outputs and vars) with its zero-width characters
 * dropped and its secrets redacted, before anything is rendered: escaping could otherwise split a secret
 * (`ghs_x` becomes `ghs\_x` in markdown) so that the last pass over the rendered text misses it.
 */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined>): T {
  const list = [...secrets]
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactSecrets(item.replace(ZERO_WIDTH, ''), list)
    if (Array.isArray(item)) return item.map(walk)
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(Object.entries(item).map(([key, member]) => [key, walk(member)]))
    }
    return item
  }
  return walk(value) as T
}

const SECRET_NAME = /(TOKEN|KEY|SECRET|PASSWORD|CREDENTIAL)/i

/** Values of environment variables whose names say they hold a secret (API keys, tokens). */
export function secretsFromEnvironment(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value)
    .map(([, value]) => value as string)
}

/**
 * The secrets that providers named in a config could carry: the values of the variables its `api_key_env`
 * keys name and the credentials in its base URLs, whether or not a run calls them.
 */
export function secretsOfProviders(refs: ProviderRef[], env: Record<string, string | undefined>): string[] {
  return refs.flatMap(ref => [
    ...(ref.apiKeyEnv && env[ref.apiKeyEnv] ? [env[ref.apiKeyEnv] as string] : []),
    ...(ref.baseUrl ? secretsInUrl(ref.baseUrl) : [])
  ])
}
