import type { Deadline } from './deadline.js'
import type { ChatMessage, ModelParameters, ProviderRef, ResponseFormat } from '../prompts/types.js'
import type { ProviderTrust } from './trust.js'

export interface CompletionRequest {
  messages: ChatMessage[]
  parameters: ModelParameters
  responseFormat?: ResponseFormat
  jsonSchema?: unknown
}

export interface TokenUsage {
  prompt: number
  completion: number
  total: number
}

export interface Completion {
  output: string
  latencyMs: number
  tokens?: TokenUsage
  /** Estimated cost in USD, when a price is known. */
  cost?: number
}

/** A model behind one interface: GitHub Models, OpenAI-compatible, Anthropic, or a command. */
export interface Provider {
  readonly ref: ProviderRef
  /** Resolves with the model's answer; rejects with an Error whose message is safe to show. */
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion>
  /**
   * One vector per text, in order; only providers whose API has embeddings (OpenAI-compatible ones).
   * Rejects like `complete`.
   */
  embed?(texts: string[], signal?: AbortSignal): Promise<Embeddings>
}

export interface Embeddings {
  vectors: number[][]
  /** Input tokens, when the server reports them. */
  tokens?: number
}

/** What providers read from the outside world; injected so tests and the CLI can differ. */
export interface ProviderEnvironment {
  /** Token for GitHub Models. */
  modelsToken?: string
  /** Base URL of the GitHub Models inference API. */
  modelsEndpoint: string
  env: Record<string, string | undefined>
  /** Per-request timeout in milliseconds; a timed-out request is retried at most twice. */
  timeoutMs: number
  /** The whole evaluation's deadline; calls fail at once after it. None when absent. */
  deadline?: Deadline
  /** Timed-out calls in a row after which a provider is not called again this run (default 3). */
  breakerThreshold?: number
  /** Retries after the first attempt, for 429, 5xx, timeouts and connection errors. */
  maxRetries: number
  /** Working directory of `command:` providers; default `process.cwd()`. */
  workdir?: string
  /** USD per million tokens by provider id (`openai:gpt-4o-mini`); wins over the built-in price table. */
  prices?: Record<string, { inputPerMillion: number; outputPerMillion: number }>
  /** The most calls that may start in any 60 seconds, by provider id; unlimited when absent. */
  requestsPerMinute?: Record<string, number>
  /** When set, only the providers it names (and `github:` models) may be made; see `requireTrustedProvider`. */
  trust?: ProviderTrust
  /**
   * Told every secret a provider reads (its API key, the credentials in its base URL) before it is used,
   * so the caller can mask it in the log and redact it from everything it writes.
   */
  onSecret?: (value: string) => void
}
