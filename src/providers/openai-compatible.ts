import OpenAI from 'openai'
import type { CompletionUsage } from 'openai/resources/completions'
import type { ProviderRef } from '../prompts/types.js'
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

/**
 * Counts the HTTP attempts of one call, times the last one (so retry waits don't count as the model's
 * latency) and keeps the last error response's text (the SDK drops bodies it doesn't recognise).
 */
function createAttemptRecorder() {
  let count = 0
  let lastStartedAt = performance.now()
  let errorText: Promise<string | undefined> = Promise.resolve(undefined)
  const fetchRecordingAttempts: typeof fetch = async (input, init) => {
    count += 1
    lastStartedAt = performance.now()
    const response = await fetch(input, init).catch((error: unknown) => {
      throw asLocalError(error)
    })
    if (!response.ok) errorText = textOf(response.clone())
    return response
  }
  return {
    fetch: fetchRecordingAttempts,
    get count() {
      return count
    },
    msSinceLastAttempt: () => Math.round(performance.now() - lastStartedAt),
    lastErrorText: () => errorText
  }
}

function textOf(response: Response): Promise<string | undefined> {
  return response.text().catch(() => undefined)
}

/**
 * The SDK tells timeouts and connection failures apart with `instanceof Error` and the error's name; an
 * error from another realm (fetch's DOMException under a VM, as in Jest) would lose both.
 */
function asLocalError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown }
  return Object.assign(new Error(String(message ?? 'fetch failed'), { cause }), {
    name: String(name ?? 'Error')
  })
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
