/**
 * The public types of `promptgate/runtime`. The snapshot shapes repeat the registry's contract
 * (schema/registry-snapshot.schema.json) on purpose: this package ships to services and imports
 * nothing from the action.
 */

export type ChannelName = 'latest' | 'stable' | 'canary'

export interface ChannelPointer {
  version: number
  digest: string
  /** Only on the canary: the share of keys it serves, 0 to 100. */
  percent?: number
}

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface PromptContent {
  messages: PromptMessage[]
  model: string
  model_parameters: Record<string, number>
  response_format?: 'text' | 'json_object' | 'json_schema'
  json_schema?: unknown
}

export interface SnapshotVersion {
  version: number
  commit: string
  registered_at: string
  content: PromptContent
}

export interface SnapshotPrompt {
  channels: Partial<Record<ChannelName, ChannelPointer>>
  previous_stable?: ChannelPointer
  versions: Record<string, SnapshotVersion>
}

/** `snapshot.json` on the registry branch. */
export interface RegistrySnapshot {
  schema_version: 1
  generated_at: string
  prompts: Record<string, SnapshotPrompt>
}

export interface GitHubSourceOptions {
  /** `owner/name`. */
  repo: string
  /** The registry branch; default `promptgate/registry`. */
  ref?: string
  token?: string
  /** How old the copy may get before `get` starts a background refresh; default `refreshSeconds` (or 60). */
  ttlSeconds?: number
  /** Default `https://api.github.com`; GitHub Enterprise Server: `https://HOST/api/v3`. */
  apiUrl?: string
  /** Per request; default 5000. */
  timeoutMs?: number
}

export type PromptSource =
  | { github: GitHubSourceOptions }
  /** A file every successful load from an earlier source rewrites (atomically). */
  | { lastKnownGood: string }
  /** A snapshot bundled with the service at build time. */
  | { file: string }

export type SourceName = 'github' | 'last-known-good' | 'file'

export interface PromptLoaderOptions {
  /** Tried in the order given; each failure falls through to the next. */
  sources: PromptSource[]
  /** Period of the background refresh; default 60. 0 turns the timer off. */
  refreshSeconds?: number
  /** Told about every failed source and failed last-known-good write; never thrown into `get`. */
  onError?: (error: Error, source: SourceName) => void
}

export interface GetOptions {
  /** A sticky targeting key (a user id, a tenant): chooses canary or stable. */
  key?: string | number
  /** Ask for a channel by name instead of bucketing. */
  channel?: ChannelName
}

/**
 * The labels for a service's LLM metrics (`prom-client`, OpenTelemetry attributes): the names the
 * rollout guardrails query. Every value is a string.
 */
export interface MetricLabels {
  readonly prompt: string
  /** The version's `sha256:` digest: what `$digest` in a guardrail query is replaced by. */
  readonly prompt_digest: string
  readonly channel: ChannelName
  /** The version number, as a string: `'3'`. */
  readonly prompt_version: string
}

export interface LoadedPrompt {
  prompt: string
  version: number
  digest: string
  channel: ChannelName
  /** Where the snapshot serving this answer came from. */
  source: SourceName
  content: PromptContent
  /** `{ prompt, prompt_digest, channel, prompt_version }`, frozen: put them on every metric of this call. */
  labels: MetricLabels
  /** The messages with every `{{var}}` filled; throws on a missing variable. */
  render(vars?: Record<string, unknown>): PromptMessage[]
}

/** What `shadow` returns: the candidate version, to run on the same input off the user's path. */
export interface ShadowPrompt extends LoadedPrompt {
  channel: 'canary' | 'latest'
  labels: MetricLabels & { readonly channel: 'canary' | 'latest' }
}

export interface ShadowOptions {
  /** The key the user's answer was chosen with: no shadow when that answer already is the candidate. */
  key?: string | number
}

export interface PromptLoader {
  /** Resolves once a source has loaded; rejects naming every source and why it failed. */
  ready(): Promise<void>
  /** Never waits on the network; throws for a prompt or channel the snapshot does not have. */
  get(prompt: string, options?: GetOptions): LoadedPrompt
  /**
   * The candidate version: the canary when there is one (even at 0%, paused), else `latest` when its
   * digest differs from stable's. `undefined` when there is none, or when it is what `get(prompt,
   * { key })` serves this request already. Never waits on the network; throws for an unknown prompt.
   */
  shadow(prompt: string, options?: ShadowOptions): ShadowPrompt | undefined
  /** Stops the periodic refresh. */
  close(): void
}
