import { createHash } from 'node:crypto'
import type { ProviderRef } from '../prompts/types.js'

/** The variable each kind reads its key from when `api_key_env` names none (see `providers/index.ts`). */
const DEFAULT_KEY_VARIABLES: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY'
}

/**
 * Which account answers a provider's calls, for the result cache: the variable its API key is read from
 * and a SHA-256 of the key (a digest of a random API key cannot be turned back into it), e.g.
 * `OPENAI_API_KEY=sha256:ab12…`. Two suites that reach one model through different keys, or one key
 * replaced by another, never share a cached answer.
 *
 * Undefined for `github:` (its token changes every run; the cache is scoped by the models endpoint
 * instead) and `command:` (never cached).
 */
export function credentialIdentity(
  ref: ProviderRef,
  env: Record<string, string | undefined>
): string | undefined {
  const kind = ref.id.slice(0, Math.max(0, ref.id.indexOf(':')))
  const fallback = DEFAULT_KEY_VARIABLES[kind]
  if (!fallback) return undefined
  const variable = ref.apiKeyEnv ?? fallback
  const value = env[variable]
  return `${variable}=${value ? `sha256:${createHash('sha256').update(value).digest('hex')}` : '(unset)'}`
}
