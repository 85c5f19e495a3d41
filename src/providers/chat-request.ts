import type OpenAI from 'openai'
import { UserError } from '../errors.js'
import type { CompletionRequest } from './types.js'

type ChatCompletionParams = OpenAI.ChatCompletionCreateParamsNonStreaming
type JsonSchemaFormat = OpenAI.ResponseFormatJSONSchema['json_schema']

/** The chat-completions body for one request: our parameter names mapped to the API's. */
export function toChatCompletionParams(model: string, request: CompletionRequest): ChatCompletionParams {
  const { maxTokens, temperature, topP } = request.parameters
  const params: ChatCompletionParams = {
    model,
    messages: request.messages.map(({ role, content }) => ({ role, content }))
  }
  if (maxTokens !== undefined) params.max_tokens = maxTokens
  if (temperature !== undefined) params.temperature = temperature
  if (topP !== undefined) params.top_p = topP

  if (request.responseFormat === 'json_object') {
    params.response_format = { type: 'json_object' }
  } else if (request.responseFormat === 'json_schema') {
    params.response_format = { type: 'json_schema', json_schema: toJsonSchemaFormat(request.jsonSchema) }
  }
  // 'text' is the API's default; leaving it out keeps servers that don't know response_format working.
  return params
}

/**
 * Accepts what a `*.prompt.yml` file holds (a JSON string of `{name, schema, strict?, description?}`),
 * the same as an object, or a bare JSON Schema, which gets the name `response`.
 */
export function toJsonSchemaFormat(jsonSchema: unknown): JsonSchemaFormat {
  const value = typeof jsonSchema === 'string' ? parseJson(jsonSchema) : jsonSchema
  if (!isObject(value)) {
    throw new UserError('responseFormat json_schema needs a jsonSchema object with "name" and "schema"')
  }
  if (!isObject(value.schema)) return { name: 'response', schema: value }

  const format: JsonSchemaFormat = {
    name: typeof value.name === 'string' && value.name ? value.name : 'response',
    schema: value.schema
  }
  if (typeof value.strict === 'boolean') format.strict = value.strict
  if (typeof value.description === 'string') format.description = value.description
  return format
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UserError(`jsonSchema is not valid JSON: ${(error as Error).message}`)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
