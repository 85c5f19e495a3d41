import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError
} from '@anthropic-ai/sdk'
import type { ProviderRef } from '../prompts/types.js'
import { createAttemptRecorder, SDK_TIMEOUT_SLACK_MS } from './attempts.js'
import type { Deadline } from './deadline.js'
import { describeProviderError, type SdkErrorClasses } from './describe-error.js'
import { toMessageCreateParams } from './messages-request.js'
import type { Completion, CompletionRequest, Provider, TokenUsage } from './types.js'

const ANTHROPIC_ERROR_CLASSES: SdkErrorClasses = {
  APIUserAbortError,
  APIConnectionTimeoutError,
  APIConnectionError,
  APIError
}

export interface AnthropicOptions {
  /** The API root, without `/v1` (the SDK adds `/v1/messages`). */
  baseURL: string
  apiKey: string
  model: string
  /** Per attempt, in milliseconds. */
  timeoutMs: number
  /** Retries after the first attempt; the SDK retries 408, 409, 429, 5xx (529 included) with backoff. */
  maxRetries: number
  /** Appended to 401 and 403 error messages. */
  authHint?: string
  /** The run's deadline: a rate limit asking to wait past it ends the run at once. */
  deadline?: Deadline
}

/** `anthropic:<model>` through Anthropic's Messages API and its official SDK. */
export function createAnthropicProvider(ref: ProviderRef, options: AnthropicOptions): Provider {
  const client = new Anthropic({
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    // The attempt recorder times each attempt; the SDK's own timer is only the backstop.
    timeout: options.timeoutMs + SDK_TIMEOUT_SLACK_MS,
    maxRetries: options.maxRetries,
    // No spans: the action registers no tracer, and the SDK would otherwise read OTEL settings from env.
    openTelemetry: false
  })

  async function complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const attempts = createAttemptRecorder({ timeoutMs: options.timeoutMs, deadline: options.deadline })
    const body = toMessageCreateParams(options.model, request)
    let message: Anthropic.Message
    try {
      message = await client.withOptions({ fetch: attempts.fetch }).messages.create(body, { signal })
    } catch (error) {
      const recorded = attempts.failure(ref.id)
      if (recorded) throw recorded
      throw describeProviderError(
        error,
        {
          providerId: ref.id,
          baseURL: options.baseURL,
          model: options.model,
          timeoutMs: options.timeoutMs,
          attempts: attempts.count,
          responseText: await attempts.lastErrorText(),
          apiKey: options.apiKey,
          authHint: options.authHint
        },
        ANTHROPIC_ERROR_CLASSES
      )
    }
    const latencyMs = attempts.msSinceLastAttempt()

    const texts = (message.content ?? []).flatMap(block => (block.type === 'text' ? [block.text] : []))
    if (texts.length === 0) throw new Error(noTextMessage(ref.id, message))
    return { output: texts.join(''), latencyMs, tokens: toTokenUsage(message.usage) }
  }

  return { ref, complete }
}

/** A base URL the way users write it for other tools, with or without `/v1`, as the SDK's root. */
export function anthropicRoot(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/v1$/, '')
}

function noTextMessage(providerId: string, message: Anthropic.Message): string {
  const reason = message.stop_reason ? ` (stop_reason ${message.stop_reason})` : ''
  return `${providerId} returned no text${reason}.`
}

/** Cache reads and writes are input tokens too; promptgate sets no cache points, so they are usually 0. */
function toTokenUsage(usage: Anthropic.Usage | undefined): TokenUsage | undefined {
  if (!usage) return undefined
  const prompt =
    usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0)
  return { prompt, completion: usage.output_tokens, total: prompt + usage.output_tokens }
}
