import { isGitHubModelsPromptFile } from '../changes/discover.js'
import type { ChangeSource, ChangedFile } from '../changes/types.js'
import type { Config, SuiteConfig } from '../config/types.js'
import { loadSuiteTestCases } from '../datasets/suite-cases.js'
import type { TestCase } from '../datasets/types.js'
import { errorMessage, UserError } from '../errors.js'
import type { PromptUnderTest } from '../eval/types.js'
import { suiteConfigChanges } from './config-diff.js'
import { referencedFiles, resolveCaseFileValues, resolveFileValues } from './file-refs.js'
import { gitHubModelsFormat, templateFormat } from './formats.js'
import { createPathMatcher } from './match.js'
import { changeReason, loadPromptUnderTest } from './prompt-under-test.js'
import { configuredThresholds, type ThresholdScope } from './thresholds.js'
import type { PipelineWarning } from './types.js'

export interface SuiteContext {
  source: ChangeSource
  changed: ChangedFile[]
  /** The config at the head ref. */
  config: Config
  /** The config at the base ref, when it exists there and loads. */
  baseConfig?: Config
  /** Why the base config could not be used, when it exists at the base ref but does not load. */
  baseConfigProblem?: string
  /** Every path at the head ref (memoised: listed at most once per run). */
  headFiles(): Promise<string[]>
  debug(message: string): void
}

/** A prompt under test and the thresholds that were configured for it, for warnings. */
export interface ScopedPrompt {
  prompt: PromptUnderTest
  scope: ThresholdScope
}

export interface CollectedSuite {
  prompts: ScopedPrompt[]
  /** Changed paths a suite took over; they are not evaluated again as standalone prompt files. */
  claimed: string[]
  warnings: PipelineWarning[]
}

function touchedPaths(changed: ChangedFile[]): Set<string> {
  return new Set(changed.flatMap(file => (file.previousPath ? [file.path, file.previousPath] : [file.path])))
}

function configReason(suite: SuiteConfig, context: SuiteContext): string | undefined {
  if (!context.changed.some(file => file.path === context.config.file)) return undefined
  if (context.baseConfigProblem) return 'config changed (the base config does not load, so every suite runs)'
  if (!context.baseConfig) return 'config added'
  const base = context.baseConfig.suites.find(candidate => candidate.name === suite.name)
  if (!base) return `suite "${suite.name}" added to the config`
  const changes = suiteConfigChanges(base, suite, {
    base: context.baseConfig.grader,
    head: context.config.grader
  })
  return changes.length > 0 ? `config changed: ${changes.join(', ')}` : undefined
}

function referenceReason(references: string[], touched: Set<string>): string | undefined {
  const changed = references.filter(path => touched.has(path))
  if (changed.length === 0) return undefined
  return changed.length === 1
    ? `referenced file ${changed[0]} changed`
    : `referenced files ${changed.join(', ')} changed`
}

/** The suite's prompt files that the pull request touched, as they are to be evaluated. */
function changedPrompts(changed: ChangedFile[], isPrompt: (path: string) => boolean): ChangedFile[] {
  return changed.flatMap((file): ChangedFile[] => {
    if (isPrompt(file.path)) return [file]
    // Moved out of the suite's globs: for this suite the prompt is gone.
    if (file.previousPath && isPrompt(file.previousPath))
      return [{ path: file.previousPath, status: 'removed' }]
    return []
  })
}

/**
 * Why every prompt of the suite runs, even those whose file did not change: the config's settings
 * for the suite, its golden set, or a file its assertions reference changed.
 */
async function suiteWideReasons(
  suite: SuiteConfig,
  context: SuiteContext,
  touched: Set<string>,
  probeCases: () => Promise<TestCase[] | undefined>
): Promise<string[]> {
  const reasons: string[] = []
  const config = configReason(suite, context)
  if (config) reasons.push(config)
  if (typeof suite.tests === 'string' && touched.has(suite.tests))
    reasons.push(`golden set ${suite.tests} changed`)
  const references = new Set(referencedFiles(suite.assert))
  for (const testCase of (await probeCases()) ?? []) {
    for (const path of referencedFiles(testCase.assert)) references.add(path)
  }
  const referenced = referenceReason([...references], touched)
  if (referenced) reasons.push(referenced)
  return reasons
}

/** The suite's golden set with every `file://` value loaded from the head ref. */
async function loadResolvedCases(suite: SuiteConfig, context: SuiteContext): Promise<TestCase[]> {
  const read = (path: string) => context.source.read(context.source.headRef, path)
  const assert = await resolveFileValues(suite.assert, read, index => ({
    what: `assertion ${index + 1} of suite "${suite.name}"`,
    file: context.config.file,
    line: suite.assertLines[index]
  }))
  const cases = await loadSuiteTestCases({ ...suite, assert }, context.config, read)
  return resolveCaseFileValues(cases, read)
}

/**
 * The prompts one suite evaluates: each changed prompt file matching its globs, and every prompt
 * file matching them when something the whole suite depends on changed.
 */
export async function collectSuite(suite: SuiteConfig, context: SuiteContext): Promise<CollectedSuite> {
  const { source, config } = context
  const matches = createPathMatcher(suite.prompts)
  const isPrompt = (path: string) => matches(path) && path !== config.file && path !== suite.tests
  const touched = touchedPaths(context.changed)
  const changed = changedPrompts(context.changed, isPrompt)

  // Golden-set assertions may reference files too; reading the golden set just to find out is only
  // worth it when some changed file is not already explained, and a broken one is reported when it runs.
  const explained = new Set([config.file, suite.tests, ...changed.map(file => file.path)])
  const probeCases = async () => {
    if (typeof suite.tests !== 'string' || [...touched].every(path => explained.has(path))) return undefined
    return loadSuiteTestCases(suite, config, path => source.read(source.headRef, path)).catch(error => {
      context.debug(`suite "${suite.name}": golden set not read (${errorMessage(error)})`)
      return undefined
    })
  }
  const reasons = await suiteWideReasons(suite, context, touched, probeCases)

  const files = new Map(changed.map(file => [file.path, { file, reasons: [changeReason(file), ...reasons] }]))
  const warnings: PipelineWarning[] = []
  if (reasons.length > 0) {
    const matching = (await context.headFiles()).filter(isPrompt)
    for (const path of matching) {
      if (!files.has(path)) files.set(path, { file: { path, status: 'modified' }, reasons })
    }
    if (matching.length === 0) {
      warnings.push({
        message: `suite "${suite.name}" should run (${reasons.join('; ')}), but its prompts globs (${suite.prompts.join(', ')}) match no file at the head commit`,
        file: config.file,
        line: suite.line
      })
    }
  }
  if (files.size === 0) return { prompts: [], claimed: [], warnings }

  const cases = await loadResolvedCases(suite, context)
  const thresholds = configuredThresholds(suite.thresholds, suite.thresholdLines)
  const scope: ThresholdScope = { label: `suite "${suite.name}"`, named: thresholds.named }
  const baseSuite = context.baseConfig?.suites.find(candidate => candidate.name === suite.name)
  const providers = { base: baseSuite?.provider ?? suite.provider, head: suite.provider }
  const grader = config.grader && {
    id: config.grader.id,
    baseUrl: config.grader.baseUrl,
    apiKeyEnv: config.grader.apiKeyEnv
  }

  const prompts = await Promise.all(
    [...files.values()].map(async ({ file, reasons: why }) => {
      const standalone = isGitHubModelsPromptFile(file.path)
      if (!standalone && cases.length === 0 && file.status !== 'removed') {
        throw new UserError(
          `suite "${suite.name}" has no test cases to run ${file.path} on; add "tests:" with a golden set file or a list of cases`,
          { file: config.file, line: suite.line }
        )
      }
      const format = standalone
        ? gitHubModelsFormat({ suite: suite.name, cases }, warning => warnings.push(warning))
        : templateFormat(cases, providers)
      const identity = {
        suite: suite.name,
        reason: why.join('; '),
        thresholds: thresholds.set,
        repeat: suite.repeat,
        ...(grader ? { grader: withoutUndefined(grader) } : {})
      }
      return { prompt: await loadPromptUnderTest(file, identity, format, source, context.debug), scope }
    })
  )
  const claimed = [...files.values()].flatMap(({ file }) => [file.path, file.previousPath ?? []].flat())
  return { prompts, claimed, warnings }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}
