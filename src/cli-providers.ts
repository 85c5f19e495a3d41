import type { Config } from './config/types.js'
import { createResultCache, type ResultCache } from './eval/cache.js'
import { credentialIdentity } from './providers/credential-identity.js'
import { createDeadline } from './providers/deadline.js'
import { createProviderRegistry } from './providers/index.js'
import { providerSettings } from './suites/provider-settings.js'

/** The model options an evaluation from the CLI takes; `promptgate` and `promptgate registry register` share them. */
export interface CliModelOptions {
  repo: string
  modelsEndpoint?: string
  modelsToken?: string
  requestTimeoutSeconds: number
  deadlineMinutes: number
  cacheDir?: string
}

export const DEFAULT_MODELS_ENDPOINT = 'https://models.github.ai/inference'

export function cliModels(options: CliModelOptions, secrets: string[]) {
  const modelsToken = options.modelsToken ?? process.env.GITHUB_TOKEN
  const modelsEndpoint = (
    options.modelsEndpoint ??
    process.env.PROMPTGATE_MODELS_ENDPOINT ??
    DEFAULT_MODELS_ENDPOINT
  ).replace(/\/+$/, '')
  if (modelsToken) secrets.push(modelsToken)
  // The endpoint is in the scope: a GitHub Models call's hash names the model, not the server.
  const cache: ResultCache | undefined = options.cacheDir
    ? createResultCache(options.cacheDir, {
        scope: modelsEndpoint,
        credentialOf: ref => credentialIdentity(ref, process.env)
      })
    : undefined
  const providers = (config: Config | undefined) =>
    createProviderRegistry({
      modelsToken,
      modelsEndpoint,
      env: process.env,
      workdir: options.repo,
      timeoutMs: Math.round(options.requestTimeoutSeconds * 1000),
      deadline: createDeadline(Math.round(options.deadlineMinutes * 60_000), '--deadline'),
      maxRetries: 6,
      ...providerSettings(config),
      onSecret: secret => secrets.push(secret)
    })
  return { modelsToken, modelsEndpoint, cache, providers }
}

export function positiveNumber(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} takes a number above 0, not "${raw}"`)
  return value
}
