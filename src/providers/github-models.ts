import { UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import { createOpenAICompatibleProvider } from './openai-compatible.js'
import type { Provider, ProviderEnvironment } from './types.js'

const PERMISSION_HINT = 'Check that the workflow has "permissions: models: read" or set models-token.'

/**
 * `github:<publisher>/<model>` on GitHub Models, which speaks OpenAI's chat-completions and embeddings APIs
 * (`github:openai/text-embedding-3-small` embeds for `similar`).
 */
export function createGitHubModelsProvider(
  ref: ProviderRef,
  model: string,
  environment: ProviderEnvironment
): Provider {
  if (!environment.modelsToken) {
    throw new UserError(
      `${ref.id} needs a token for GitHub Models: set the github-token or models-token input, ` +
        'and give the workflow "permissions: models: read".'
    )
  }
  return createOpenAICompatibleProvider(ref, {
    baseURL: environment.modelsEndpoint,
    apiKey: environment.modelsToken,
    model,
    timeoutMs: environment.timeoutMs,
    maxRetries: environment.maxRetries,
    authHint: PERMISSION_HINT,
    deadline: environment.deadline
  })
}
