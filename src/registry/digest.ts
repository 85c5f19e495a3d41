import { createHash } from 'node:crypto'
import { stableStringify } from '../eval/hash.js'
import type { PromptVersion } from '../prompts/types.js'
import type { PromptContent } from './types.js'

/**
 * Message text as it means the same to a model: line endings unified, trailing spaces at line ends
 * and blank lines around the text dropped. A YAML re-indent, `|` versus `|-`, or a CRLF checkout then
 * give the same text, so the same digest.
 */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+|\n+$/g, '')
}

/** What a service needs to render and call a version, normalised: the digest is the hash of exactly this. */
export function promptContent(version: PromptVersion): PromptContent {
  const { maxTokens, temperature, topP } = version.parameters
  const parameters: Record<string, number> = {}
  if (maxTokens !== undefined) parameters.max_tokens = maxTokens
  if (temperature !== undefined) parameters.temperature = temperature
  if (topP !== undefined) parameters.top_p = topP
  const responseFormat = version.responseFormat === 'text' ? undefined : version.responseFormat
  return {
    messages: version.messages.map(({ role, content }) => ({ role, content: normaliseText(content) })),
    model: version.provider.id,
    model_parameters: parameters,
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(responseFormat === 'json_schema' && version.jsonSchema !== undefined
      ? { json_schema: version.jsonSchema }
      : {})
  }
}

/** `sha256:<hex>` over the content with sorted keys; anyone can recompute it from a version file. */
export function contentDigest(content: PromptContent): string {
  return `sha256:${createHash('sha256').update(stableStringify(content)).digest('hex')}`
}

/** The hex part, for file names: `versions/<hex>.json`. */
export function digestHex(digest: string): string {
  return digest.replace(/^sha256:/, '')
}

export function isDigest(value: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(value)
}
