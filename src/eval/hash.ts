import { createHash } from 'node:crypto'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest } from '../providers/types.js'

/** Bump when what goes into the hash changes, so cached results from older versions are not reused. */
const HASH_VERSION = 2

/**
 * sha256 over everything that decides a model's answer: the provider (kind and model), its base URL, the
 * variable its API key is read from (another key may be another account, with other models behind one
 * name), the parameters, the response format, the rendered messages and the repeat index. Equal hashes
 * mean interchangeable calls; repeats of one case differ, so they are separate samples, not one shared
 * answer. The key's value is no part of a plan; the result cache mixes in its digest (`credentialOf`).
 */
export function hashCall(provider: ProviderRef, request: CompletionRequest, repeat = 0): string {
  const identity = {
    v: HASH_VERSION,
    provider: provider.id,
    baseUrl: provider.baseUrl ?? null,
    apiKeyEnv: provider.apiKeyEnv ?? null,
    parameters: request.parameters,
    responseFormat: request.responseFormat ?? 'text',
    jsonSchema: request.responseFormat === 'json_schema' ? (request.jsonSchema ?? null) : null,
    messages: request.messages.map(({ role, content }) => [role, content]),
    // Left out for the first sample, so the hashes of runs without repeats stay what they were.
    repeat: repeat > 0 ? repeat : undefined
  }
  return createHash('sha256').update(stableStringify(identity)).digest('hex')
}

/** JSON with object keys sorted and undefined members left out, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(item => stableStringify(item ?? null)).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${stableStringify(member)}`)
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
