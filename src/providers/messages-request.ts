import type Anthropic from '@anthropic-ai/sdk'
import { toJsonSchemaFormat } from './chat-request.js'
import type { CompletionRequest } from './types.js'

type MessageParams = Anthropic.MessageCreateParamsNonStreaming

/** The Messages API requires max_tokens; this is the budget when the prompt sets none. */
export const DEFAULT_MAX_TOKENS = 1024

/**
 * The Messages API body for one request. System messages go to the `system` parameter, joined by a blank
 * line when there are several.
 *
 * temperature and top_p are left out: API version 2026-10-21, which the SDK speaks, answers 400 to any
 * sampling parameter at any value. Both versions of a prompt lose them alike, so the comparison stays fair.
 */
export function toMessageCreateParams(model: string, request: CompletionRequest): MessageParams {
  const { maxTokens } = request.parameters
  const system = request.messages.filter(message => message.role === 'system')
  const params: MessageParams = {
    model,
    max_tokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.flatMap(({ role, content }) => (role === 'system' ? [] : [{ role, content }]))
  }
  if (system.length > 0) params.system = system.map(message => message.content).join('\n\n')

  // Anthropic has structured outputs for a schema but no bare JSON mode: `json_object` relies on the prompt.
  if (request.responseFormat === 'json_schema') {
    const { schema } = toJsonSchemaFormat(request.jsonSchema)
    params.output_config = { format: { type: 'json_schema', schema: schema ?? {} } }
  }
  return params
}
