/**
 * The registry branch's files (`promptgate/registry`), as other tools read them. These names and
 * shapes are a contract: extend, never rename.
 */

export const REGISTRY_FILES = {
  events: 'events.ndjson',
  snapshot: 'snapshot.json',
  flags: 'flags.flagd.json',
  versions: 'versions'
} as const

export const DEFAULT_REGISTRY_BRANCH = 'promptgate/registry'

export type ChannelName = 'latest' | 'stable' | 'canary'

/** A channel's target. `percent` only for the canary: the share of keys it serves (0 to 100). */
export interface ChannelPointer {
  version: number
  digest: string
  percent?: number
}

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** Everything a service needs to render and call a version; the digest is the hash of exactly this. */
export interface PromptContent {
  messages: PromptMessage[]
  /** The provider and model, as promptgate names it (`github:openai/gpt-4o-mini`). */
  model: string
  /** Only the parameters the prompt sets: `max_tokens`, `temperature`, `top_p`. */
  model_parameters: Record<string, number>
  response_format?: 'text' | 'json_object' | 'json_schema'
  json_schema?: unknown
}

export interface VersionEval {
  /** Per metric, the head value and the number of cases that gave it. */
  metrics: Record<string, { value: number; n: number }>
  /** `sha256:` of the golden set's cases, as evaluated. */
  dataset_digest: string
  /** The provider and model that answered. */
  provider: string
  /** The registered version the evaluation compared against, or null for a first version. */
  baseline: { version: number | null; digest: string; deltas: Record<string, number> } | null
  improved: number
  regressed: number
  /** Set when the version merged through an accepted regression. */
  override: { label: string; actor: string } | null
}

/** `versions/<hex>.json`: one per registered version, never rewritten. */
export interface VersionRecord {
  /** The prompt's id: the repository path of its file. */
  prompt: string
  /** The prompt's `name`, when it has one. */
  name?: string
  version: number
  /** `sha256:<hex>` of the canonical content. */
  digest: string
  commit: string
  registered_at: string
  content: PromptContent
  eval: VersionEval | null
}

interface EventBase {
  /** ISO 8601. */
  at: string
  actor: string
  prompt: string
}

export interface VersionRegisteredEvent extends EventBase {
  type: 'version_registered'
  version: number
  digest: string
  commit: string
  /** The prompt's `name`, when it has one. */
  name?: string
}

/** What moved a channel; a rollback undoes the last promotion, the others stack. */
export type ChannelCommand = 'register' | 'promote' | 'canary' | 'rollback' | 'pause' | 'rollout'

export interface ChannelMovedEvent extends EventBase {
  type: 'channel_moved'
  channel: ChannelName
  from: ChannelPointer | null
  to: ChannelPointer | null
  reason: string
  command?: ChannelCommand
}

/** Written by the staged rollout (issue 11); read and kept here. */
export interface RolloutDecisionEvent extends EventBase {
  type: 'rollout_decision'
  [field: string]: unknown
}

export type RegistryEvent = VersionRegisteredEvent | ChannelMovedEvent | RolloutDecisionEvent

export type PromptChannels = Partial<Record<ChannelName, ChannelPointer>>

/** `snapshot.json`: what a service reads (schema/registry-snapshot.schema.json). */
export interface RegistrySnapshot {
  schema_version: 1
  generated_at: string
  prompts: Record<string, SnapshotPrompt>
}

export interface SnapshotPrompt {
  channels: PromptChannels
  /** The stable before the current one, so a service can roll back without a fetch. */
  previous_stable?: ChannelPointer
  /** Only the versions a channel (or `previous_stable`) points at. */
  versions: Record<string, SnapshotVersion>
}

export interface SnapshotVersion {
  version: number
  commit: string
  registered_at: string
  content: PromptContent
}
