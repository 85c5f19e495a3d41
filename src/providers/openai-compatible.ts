import OpenAI from 'openai'
import type { CompletionUsage } from 'openai/resources/completions'
import type { ProviderRef } from '../prompts/types.js'
import { createAttemptRecorder, SDK_TIMEOUT_SLACK_MS, type AttemptRecorder } from './attempts.js'
import type { Deadline } from './deadline.js'
import { toChatCompletionParams } from './chat-request.js'
import { describeProviderError } from './describe-error.js'
import type { Completion, CompletionRequest, Embeddings, Provider, TokenUsage } from './types.js'

export interface OpenAICompatibleOptions {
  baseURL: string
  apiKey: string
  model: string
  /** Per attempt, in milliseconds. */
  timeoutMs: number
  /** Retries after the first attempt; the SDK retries 408, 409, 429, 5xx and connection errors with backoff. */
  maxRetries: number
  /** Appended to 401 and 403 error messages, e.g. which token or permission to check. */
  authHint?: string
  /** The run's deadline: a rate limit asking to wait past it ends the run at once. */
  deadline?: Deadline
}

/** A Provider for any server that speaks OpenAI's chat-completions API. */
export function createOpenAICompatibleProvider(ref: ProviderRef, options: OpenAICompatibleOptions): Provider {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    // The attempt recorder times each attempt; the SDK's own timer is only the backstop.
    timeout: options.timeoutMs + SDK_TIMEOUT_SLACK_MS,
    maxRetries: options.maxRetries,
    // Not read from the runner's environment: they would be sent to every OpenAI-compatible server.
    organization: null,
    project: null
  })

  async function describeFailure(error: unknown, attempts: AttemptRecorder): Promise<Error> {
    const recorded = attempts.failure(ref.id)
    if (recorded) return recorded
    return describeProviderError(error, {
      providerId: ref.id,
      baseURL: options.baseURL,
      model: options.model,
      timeoutMs: options.timeoutMs,
      attempts: attempts.count,
      responseText: await attempts.lastErrorText(),
      apiKey: options.apiKey,
      authHint: options.authHint
    })
  }

  async function complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const attempts = createAttemptRecorder({ timeoutMs: options.timeoutMs, deadline: options.deadline })
    const body = toChatCompletionParams(options.model, request)
    let completion: OpenAI.ChatCompletion
    try {
      completion = await client
        .withOptions({ fetch: attempts.fetch })
        .chat.completions.create(body, { signal })
    } catch (error) {
      throw await describeFailure(error, attempts)
    }
    const latencyMs = attempts.msSinceLastAttempt()

    const output = completion.choices?.[0]?.message?.content
    if (typeof output !== 'string') throw new Error(noContentMessage(ref.id, completion))
    return { output, latencyMs, tokens: toTokenUsage(completion.usage) }
  }

  async function embed(texts: string[], signal?: AbortSignal): Promise<Embeddings> {
    if (texts.length === 0) return { vectors: [] }
    const attempts = createAttemptRecorder({ timeoutMs: options.timeoutMs, deadline: options.deadline })
    let response: OpenAI.CreateEmbeddingResponse
    try {
      response = await client
        .withOptions({ fetch: attempts.fetch })
        // Floats, not the SDK's default base64, which some OpenAI-compatible servers don't implement.
        .embeddings.create({ model: options.model, input: texts, encoding_format: 'float' }, { signal })
    } catch (error) {
      throw await describeFailure(error, attempts)
    }
    const vectors = embeddingVectors(ref.id, response, texts.length)
    const tokens = response.usage?.prompt_tokens
    return typeof tokens === 'number' ? { vectors, tokens } : { vectors }
  }

  return { ref, complete, embed }
}

/** The vectors in input order (the API gives each one's index), checked to be one list of numbers per text. */
function embeddingVectors(
  providerId: string,
  response: OpenAI.CreateEmbeddingResponse,
  expected: number
): number[][] {
  const data: unknown = response?.data
  const vectors: number[][] = []
  if (Array.isArray(data)) {
    data.forEach((item: unknown, position) => {
      const { index, embedding } = (typeof item === 'object' && item !== null ? item : {}) as Record<
        string,
        unknown
      >
      const at = typeof index === 'number' ? index : position
      if (Array.isArray(embedding) && embedding.every(value => typeof value === 'number')) {
        vectors[at] = embedding as number[]
      }
    })
  }
  // A loop, not `every`, which would skip the holes an index past the end leaves.
  let complete = vectors.length === expected
  for (let at = 0; complete && at < expected; at++) complete = (vectors[at]?.length ?? 0) > 0
  if (!complete) {
    throw new Error(
      `${providerId} returned no usable embeddings: expected ${expected} vector${expected === 1 ? '' : 's'} ` +
        'of numbers in "data"; is the model an embedding model?'
    )
  }
  return vectors
}

function noContentMessage(providerId: string, completion: OpenAI.ChatCompletion): string {
  const choice = completion.choices?.[0]
  if (!choice) return `${providerId} returned no message content (no choices in the response).`
  const details = [
    choice.finish_reason ? `finish_reason ${choice.finish_reason}` : '',
    choice.message?.refusal ? `refusal: ${choice.message.refusal.slice(0, 200)}` : ''
  ].filter(Boolean)
  return `${providerId} returned no message content${details.length ? ` (${details.join('; ')})` : ''}.`
}

function toTokenUsage(usage: CompletionUsage | undefined): TokenUsage | undefined {
  if (!usage) return undefined
  return { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens }
}
