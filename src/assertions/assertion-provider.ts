import type { ProviderRef } from '../prompts/types.js'
import { UserError } from '../errors.js'
import type { AssertionSpec } from './types.js'

/**
 * The provider an assertion names for its judge or embeddings: `openai:gpt-4o` or, as the config loader
 * normalises it, `{ id, baseUrl?, apiKeyEnv? }`. Undefined when it names none.
 */
export function assertionProvider(spec: AssertionSpec, source: string | undefined): ProviderRef | undefined {
  const provider = spec.provider
  if (provider === undefined) return undefined
  if (typeof provider === 'string' && provider.trim() !== '') return { id: provider.trim() }
  if (typeof provider === 'object' && provider !== null) {
    const { id, baseUrl, apiKeyEnv } = provider as Record<string, unknown>
    if (typeof id === 'string' && id.trim() !== '') {
      return {
        id: id.trim(),
        ...(typeof baseUrl === 'string' ? { baseUrl } : {}),
        ...(typeof apiKeyEnv === 'string' ? { apiKeyEnv } : {})
      }
    }
  }
  throw new UserError(
    `a "${spec.type}" assertion's "provider" must be a provider id such as openai:gpt-4o-mini, ` +
      `or {id: ..., base_url: ...}, not ${JSON.stringify(provider)}`,
    { file: source }
  )
}
