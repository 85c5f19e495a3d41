export type Role = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: Role
  content: string
}

export interface ModelParameters {
  maxTokens?: number
  temperature?: number
  topP?: number
}

export type ResponseFormat = 'text' | 'json_object' | 'json_schema'

/** Which provider answers a prompt, e.g. `github:openai/gpt-4o-mini` or `openai:gpt-4o-mini`. */
export interface ProviderRef {
  /** `<kind>:<model>`; kind is github | openai | anthropic | command. */
  id: string
  /** Base URL of an OpenAI-compatible server (openai kind). */
  baseUrl?: string
  /** Name of the environment variable that holds the API key. */
  apiKeyEnv?: string
  /** Where this provider was asked for (the prompt's `model:` line, a golden-set row), for errors. */
  origin?: { file: string; line?: number }
}

/** One version (base or head) of a prompt, ready to be rendered for each test case. */
export interface PromptVersion {
  /** Repository-relative path the version was read from. */
  path: string
  /** The git ref (SHA) it was read at. */
  ref: string
  name?: string
  provider: ProviderRef
  parameters: ModelParameters
  responseFormat?: ResponseFormat
  jsonSchema?: unknown
  /** A placeholder without a value stays in the text (GitHub Models files) instead of failing. */
  keepMissingPlaceholders?: boolean
  /** Message templates with `{{var}}` placeholders. */
  messages: ChatMessage[]
}
