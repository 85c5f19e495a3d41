import { checkAssertionTypes } from './assertions/index.js'
import { changedGitHubModelsPrompts } from './changes/discover.js'
import type { ChangeSource } from './changes/types.js'
import { compareResults } from './compare/compare.js'
import type { Comparison } from './compare/types.js'
import { readConfig } from './config/load.js'
import { repositoryPath } from './config/normalise.js'
import type { Config } from './config/types.js'
import { errorMessage } from './errors.js'
import {
  countCalls,
  enforceCallCap,
  estimateCost,
  lowestCap,
  type CallCap,
  type CallCount,
  type CostEstimate
} from './eval/budget.js'
import type { ResultCache } from './eval/cache.js'
import { planEvaluation, type PlannedCall } from './eval/plan.js'
import { runEvaluation } from './eval/run.js'
import type { EvalResults, PromptUnderTest } from './eval/types.js'
import type { PromptVersion } from './prompts/types.js'
import type { Provider } from './providers/types.js'
import type { ProviderTrust } from './providers/trust.js'
import { providersNamedInConfig } from './config/named-providers.js'
import { requestedProviders } from './eval/requested-providers.js'
import { collectSuite, type ScopedPrompt, type SuiteContext } from './suites/collect.js'
import { gitHubModelsFormat } from './suites/formats.js'
import { providerSettings } from './suites/provider-settings.js'
import { changeReason, loadPromptUnderTest, type PromptIdentity } from './suites/prompt-under-test.js'
import {
  configuredThresholds,
  DEFAULT_THRESHOLDS,
  checkThresholdNames,
  unusedThresholdWarnings,
  type ThresholdScope
} from './suites/thresholds.js'
import type { PipelineWarning } from './suites/types.js'

export { DEFAULT_THRESHOLDS }
export type { PipelineWarning }

/** Where the config is read from when the caller names no other path (the `config` input's default). */
export const DEFAULT_CONFIG_PATH = '.github/promptgate.yml'

type ProviderRegistry = { get(ref: PromptVersion['provider']): Provider }

/** Which providers a run may call when pull-request content must not choose one (see ProviderTrust). */
export interface TrustedProvidersOption {
  /** Why, for the error a refused provider gets, e.g. "Under pull_request_target". */
  reason: string
  /** Whose config is trusted, e.g. "the base branch's" (the default). */
  whose?: string
}

export interface PipelineOptions {
  source: ChangeSource
  /**
   * The providers, or how to make them once the head's config (prices, rate limits) and, with
   * `trustedProviders`, the trusted set are known.
   */
  providers: ProviderRegistry | ((config: Config | undefined, trust?: ProviderTrust) => ProviderRegistry)
  /**
   * Only the providers the config at the base ref names (and `github:` models) may be called, whatever
   * the pull request's prompts, golden sets or config ask for.
   */
  trustedProviders?: TrustedProvidersOption
  /** The config file's repository path (default `.github/promptgate.yml`); read at both refs. */
  configPath?: string
  /** Read the config only at the base ref (see CollectOptions). */
  trustedConfigOnly?: boolean
  /** For `${NAME}` in the config (default `process.env`). */
  env?: Record<string, string | undefined>
  /** Model calls in flight at once; default the config's `concurrency`, else 8. */
  concurrency?: number
  /** Results of earlier runs (`createResultCache`): a call it holds is not made again. */
  cache?: ResultCache
  /** The caller's cap on model calls (the `max-calls` input, `--max-calls`); the config's `max_calls` also applies, the lower wins. */
  maxCalls?: CallCap
  /** Called once the plan is known and before the first model call. */
  onPlanned?: (plan: {
    prompts: number
    calls: number
    promptsUnderTest: PromptUnderTest[]
  }) => Promise<void> | void
  onProgress?: (done: number, total: number) => void
  debug?: (message: string) => void
}

export interface PipelineOutcome {
  prompts: PromptUnderTest[]
  results: EvalResults
  comparison: Comparison
  /** Problems worth fixing that did not stop the run (main.ts shows each as a workflow warning). */
  warnings: PipelineWarning[]
  /** The head's config, when the repository has one. */
  config?: Config
}

export interface CollectOptions {
  configPath?: string
  /**
   * Read the config only at the base ref. Under `pull_request_target` the run holds secrets,
   * and a config from the pull request could name a `command:` to run or a `base_url` to send
   * an API key to; the base branch's config is the maintainers'.
   */
  trustedConfigOnly?: boolean
  env?: Record<string, string | undefined>
  debug?: (message: string) => void
}

export interface CollectedPrompts {
  /** Every prompt to evaluate, each with the thresholds configured for it. */
  prompts: ScopedPrompt[]
  warnings: PipelineWarning[]
  config?: Config
  /** The config at the base ref, when it loads. */
  baseConfig?: Config
}

interface Configs {
  head?: Config
  base?: Config
  baseProblem?: string
}

/**
 * The config at the head ref (its errors stop the run) and at the base ref (whose provider
 * settings the base side uses; a base config that does not load must not block a fix).
 */
async function readConfigs(
  source: ChangeSource,
  path: string,
  env: Record<string, string | undefined>,
  debug: (message: string) => void,
  trustedConfigOnly: boolean
): Promise<Configs> {
  if (trustedConfigOnly) {
    const base = await readConfig(file => source.read(source.baseRef, file), path, env)
    return base ? { head: base, base } : {}
  }
  const head = await readConfig(file => source.read(source.headRef, file), path, env)
  if (!head) return {}
  try {
    return { head, base: await readConfig(file => source.read(source.baseRef, file), path, env) }
  } catch (error) {
    debug(`the config at the base commit does not load: ${errorMessage(error)}`)
    return { head, baseProblem: errorMessage(error) }
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}

/** Identity and thresholds of changed `*.prompt.yml` files that no suite claims. */
function standaloneSettings(config: Config | undefined): {
  scope: ThresholdScope
  identity: Omit<PromptIdentity, 'suite' | 'reason'>
} {
  if (!config)
    return { scope: { label: 'the defaults', named: [] }, identity: { thresholds: DEFAULT_THRESHOLDS } }
  const thresholds = configuredThresholds(config.thresholds, config.thresholdLines)
  const grader =
    config.grader &&
    withoutUndefined({
      id: config.grader.id,
      baseUrl: config.grader.baseUrl,
      apiKeyEnv: config.grader.apiKeyEnv
    })
  return {
    scope: {
      label: 'the top level of the config (for *.prompt.yml files outside suites)',
      named: thresholds.named
    },
    identity: { thresholds: thresholds.set, repeat: config.repeat, ...(grader ? { grader } : {}) }
  }
}

/**
 * Everything the pull request changed that promptgate evaluates, both versions loaded: the
 * prompts of the config's suites that a change affects, then changed `*.prompt.yml` files that
 * no suite claims.
 */
export async function collectPromptsUnderTest(
  source: ChangeSource,
  options: CollectOptions = {}
): Promise<CollectedPrompts> {
  const debug = options.debug ?? (() => {})
  const changed = await source.listChangedFiles()
  debug(`${changed.length} changed files`)
  const configs = await readConfigs(
    source,
    repositoryPath(options.configPath ?? DEFAULT_CONFIG_PATH),
    options.env ?? process.env,
    debug,
    options.trustedConfigOnly ?? false
  )

  const prompts: ScopedPrompt[] = []
  const warnings: PipelineWarning[] = []
  const claimed = new Set<string>()
  if (configs.head) {
    let headFiles: Promise<string[]> | undefined
    const context: SuiteContext = {
      source,
      changed,
      config: configs.head,
      baseConfig: configs.base,
      baseConfigProblem: configs.baseProblem,
      headFiles: () => (headFiles ??= source.listFiles(source.headRef)),
      debug
    }
    const suites = await Promise.all(configs.head.suites.map(suite => collectSuite(suite, context)))
    for (const suite of suites) {
      prompts.push(...suite.prompts)
      warnings.push(...suite.warnings)
      for (const path of suite.claimed) claimed.add(path)
    }
  }

  const { scope, identity } = standaloneSettings(configs.head)
  const standalone = changedGitHubModelsPrompts(changed).filter(file => !claimed.has(file.path))
  const loaded = await Promise.all(
    standalone.map(file =>
      loadPromptUnderTest(
        file,
        { ...identity, suite: file.path, reason: changeReason(file) },
        gitHubModelsFormat(undefined, warning => warnings.push(warning)),
        source,
        debug
      )
    )
  )
  prompts.push(...loaded.map(prompt => ({ prompt, scope })))
  return { prompts, warnings, config: configs.head, baseConfig: configs.base }
}

function trustFrom(
  collected: CollectedPrompts,
  configPath: string,
  option: TrustedProvidersOption
): ProviderTrust {
  const base = collected.baseConfig
  return {
    source: base
      ? `the base branch's ${base.file}`
      : `the base branch's config (${configPath} does not exist there)`,
    reason: option.reason,
    trusted: base ? providersNamedInConfig(base) : []
  }
}

/** The ChangeSet, checked: everything a run or a dry run needs before the plan. */
async function collectChecked(options: CollectOptions & { source: ChangeSource }) {
  const collected = await collectPromptsUnderTest(options.source, options)
  const prompts = collected.prompts.map(scoped => scoped.prompt)
  const runnable = prompts.filter(prompt => prompt.head)
  for (const prompt of runnable) {
    for (const testCase of prompt.cases) {
      checkAssertionTypes(testCase.assert, testCase.source ?? { file: prompt.path })
    }
  }
  if (collected.config) checkThresholdNames(collected.prompts, collected.config.file)
  return { collected, prompts, runnable }
}

/** The config's `max_calls`, as a cap that names its line. */
function configCap(config: Config | undefined): CallCap | undefined {
  if (config?.maxCalls === undefined) return undefined
  return {
    limit: config.maxCalls,
    source: `max_calls in ${config.file}`,
    at: { file: config.file, line: config.maxCallsLine }
  }
}

export interface DryRun {
  prompts: PromptUnderTest[]
  planned: PlannedCall[]
  calls: CallCount
  cost: CostEstimate
  /** The cap a real run would apply, if any. */
  cap?: CallCap
  warnings: PipelineWarning[]
}

/** ChangeSet -> EvalPlan, and no model call: what a run would ask and roughly what it would cost. */
export async function planPipeline(options: Omit<PipelineOptions, 'providers'>): Promise<DryRun> {
  const { collected, prompts } = await collectChecked(options)
  const planned = planEvaluation(prompts)
  return {
    prompts,
    planned,
    calls: countCalls(prompts, planned),
    cost: estimateCost(planned, prompts, providerSettings(collected.config).prices),
    cap: lowestCap([options.maxCalls, configCap(collected.config)]),
    warnings: collected.warnings
  }
}

/** ChangeSet -> EvalPlan -> Results -> Comparison. Publishing is the caller's. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const { collected, prompts, runnable } = await collectChecked(options)
  const cap = lowestCap([options.maxCalls, configCap(collected.config)])
  const trust =
    options.trustedProviders &&
    trustFrom(collected, repositoryPath(options.configPath ?? DEFAULT_CONFIG_PATH), options.trustedProviders)
  const providers =
    typeof options.providers === 'function' ? options.providers(collected.config, trust) : options.providers
  for (const ref of requestedProviders(runnable)) providers.get(ref)
  const results = await runEvaluation(prompts, {
    providers,
    concurrency: options.concurrency ?? collected.config?.concurrency,
    onProgress: options.onProgress,
    cache: options.cache,
    onPlanned: async planned => {
      enforceCallCap(countCalls(prompts, planned), cap)
      await options.onPlanned?.({
        prompts: runnable.length,
        calls: planned.length,
        promptsUnderTest: runnable
      })
    }
  })
  const comparison = compareResults(results, { maxErrors: collected.config?.maxErrors })
  const evaluated = collected.prompts.map((scoped, index) => ({
    scope: scoped.scope,
    comparison: comparison.prompts[index]!
  }))
  const warnings = [
    ...collected.warnings,
    ...(collected.config ? unusedThresholdWarnings(evaluated, collected.config.file) : [])
  ]
  return { prompts, results, comparison, warnings, config: collected.config }
}
