import OpenAI from 'openai'
import type { CompletionUsage } from 'openai/resources/completions'
import type { ProviderRef } from '../prompts/types.js'
import { createAttemptRecorder } from './attempts.js'
import { toChatCompletionParams } from './chat-request.js'
import { describeProviderError } from './describe-error.js'
import type { Completion, CompletionRequest, Provider, TokenUsage } from './types.js'

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
}

/** A Provider for any server that speaks OpenAI's chat-completions API. */
export function createOpenAICompatibleProvider(ref: ProviderRef, options: OpenAICompatibleOptions): Provider {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    // Not read from the runner's environment: they would be sent to every OpenAI-compatible server.
    organization: null,
    project: null
  })

  async function complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const attempts = createAttemptRecorder()
    const body = toChatCompletionParams(options.model, request)
    let completion: OpenAI.ChatCompletion
    try {
      completion = await client
        .withOptions({ fetch: attempts.fetch })
        .chat.completions.create(body, { signal })
    } catch (error) {
      throw describeProviderError(error, {
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
    const latencyMs = attempts.msSinceLastAttempt()

    const output = completion.choices?.[0]?.message?.content
    if (typeof output !== 'string') throw new Error(noContentMessage(ref.id, completion))
    return { output, latencyMs, tokens: toTokenUsage(completion.usage) }
  }

  return { ref, complete }
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
