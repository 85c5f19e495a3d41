import type { AssertionSpec } from '../assertions/types.js'
import type { Path } from './positions.js'
import { normaliseRollout, type RawRollout } from './rollout.js'
import type { Config, Prices, ProviderConfig, SuiteConfig, ThresholdConfigSet } from './types.js'

/** The config as the schema describes it (snake_case, providers as strings or objects). */
interface RawProvider {
  id: string
  base_url?: string
  api_key_env?: string
  temperature?: number
  max_tokens?: number
  top_p?: number
  requests_per_minute?: number
  prices?: { input_per_million: number; output_per_million: number }
}

interface RawSuite {
  name: string
  description?: string
  prompts: string | string[]
  tests?: string | unknown[]
  assert?: AssertionSpec[]
  provider?: string | RawProvider
  thresholds?: ThresholdConfigSet
  repeat?: number
}

export interface RawConfig {
  version: 1
  provider?: string | RawProvider
  grader?: string | RawProvider
  concurrency?: number
  repeat?: number
  max_errors?: number
  max_calls?: number
  thresholds?: ThresholdConfigSet
  suites?: RawSuite[]
  rollout?: RawRollout
}

/** Drops keys whose value is undefined, so normalised values compare and serialise cleanly. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}

function normalisePrices(prices: RawProvider['prices']): Prices | undefined {
  if (prices === undefined) return undefined
  return { inputPerMillion: prices.input_per_million, outputPerMillion: prices.output_per_million }
}

export function normaliseProvider(provider: string | RawProvider): ProviderConfig {
  if (typeof provider === 'string') return { id: provider, parameters: {} }
  return defined({
    id: provider.id,
    baseUrl: provider.base_url,
    apiKeyEnv: provider.api_key_env,
    parameters: defined({
      temperature: provider.temperature,
      maxTokens: provider.max_tokens,
      topP: provider.top_p
    }),
    requestsPerMinute: provider.requests_per_minute,
    prices: normalisePrices(provider.prices)
  })
}

/** Assertions may name a grader in either provider form; consumers always get the object form. */
export function normaliseAssertion(assertion: AssertionSpec): AssertionSpec {
  const provider = assertion['provider'] as string | RawProvider | undefined
  return provider === undefined ? { ...assertion } : { ...assertion, provider: normaliseProvider(provider) }
}

/** Repository paths and globs are matched against paths without a leading `./` or `/`. */
export function repositoryPath(path: string): string {
  return path.replace(/^file:\/\//, '').replace(/^(\.\/|\/)+/, '')
}

/** The suite's bounds laid over the top-level ones, metric by metric and bound by bound. */
function mergeThresholds(
  defaults: ThresholdConfigSet,
  overrides: ThresholdConfigSet = {}
): ThresholdConfigSet {
  const merged: ThresholdConfigSet = {}
  for (const metric of new Set([...Object.keys(defaults), ...Object.keys(overrides)])) {
    merged[metric] = { ...defaults[metric], ...overrides[metric] }
  }
  return merged
}

/** Where each threshold's metric is named: the suite's own entry, else the top-level one. */
function thresholdLines(
  thresholds: ThresholdConfigSet | undefined,
  path: Path,
  lineOf: (path: Path) => number
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(thresholds ?? {}).map(metric => [metric, lineOf([...path, 'thresholds', metric])])
  )
}

function normaliseSuite(
  suite: RawSuite,
  index: number,
  config: RawConfig,
  lineOf: (path: Path) => number
): SuiteConfig {
  const path = ['suites', index]
  const provider = suite.provider ?? config.provider
  const prompts = typeof suite.prompts === 'string' ? [suite.prompts] : suite.prompts
  const tests = typeof suite.tests === 'string' ? repositoryPath(suite.tests) : suite.tests
  return defined({
    name: suite.name,
    description: suite.description,
    prompts: prompts.map(repositoryPath),
    tests,
    testsLine: tests === undefined ? undefined : lineOf([...path, 'tests']),
    inlineTestLines: Array.isArray(tests)
      ? tests.map((_, item) => lineOf([...path, 'tests', item]))
      : undefined,
    assert: (suite.assert ?? []).map(normaliseAssertion),
    assertLines: (suite.assert ?? []).map((_, item) => lineOf([...path, 'assert', item])),
    provider: provider === undefined ? undefined : normaliseProvider(provider),
    thresholds: mergeThresholds(config.thresholds ?? {}, suite.thresholds),
    thresholdLines: {
      ...thresholdLines(config.thresholds, [], lineOf),
      ...thresholdLines(suite.thresholds, path, lineOf)
    },
    repeat: suite.repeat ?? config.repeat ?? 1,
    line: lineOf(path)
  })
}

/** Turns a schema-valid config into the shape the pipeline uses. */
export function normaliseConfig(config: RawConfig, file: string, lineOf: (path: Path) => number): Config {
  return defined({
    file,
    version: 1 as const,
    provider: config.provider === undefined ? undefined : normaliseProvider(config.provider),
    grader: config.grader === undefined ? undefined : normaliseProvider(config.grader),
    concurrency: config.concurrency,
    repeat: config.repeat ?? 1,
    maxErrors: config.max_errors ?? 0,
    maxCalls: config.max_calls,
    maxCallsLine: config.max_calls === undefined ? undefined : lineOf(['max_calls']),
    thresholds: config.thresholds ?? {},
    thresholdLines: thresholdLines(config.thresholds, [], lineOf),
    suites: (config.suites ?? []).map((suite, index) => normaliseSuite(suite, index, config, lineOf)),
    rollout: config.rollout && normaliseRollout(config.rollout, file, lineOf, repositoryPath)
  })
}
