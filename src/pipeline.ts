import { changedGitHubModelsPrompts } from './changes/discover.js'
import type { ChangeSource, ChangedFile } from './changes/types.js'
import { compareResults } from './compare/compare.js'
import type { Comparison, ThresholdSet } from './compare/types.js'
import { errorMessage, UserError } from './errors.js'
import { planEvaluation } from './eval/plan.js'
import { runEvaluation } from './eval/run.js'
import type { EvalResults, PromptUnderTest } from './eval/types.js'
import { parseGitHubModelsPrompt, toTestCases } from './prompts/github-models.js'
import { renderMessages } from './prompts/template.js'
import type { PromptVersion } from './prompts/types.js'
import type { Provider } from './providers/types.js'

/** Without a config file, any drop in pass rate or in an evaluator's mean score regresses. */
export const DEFAULT_THRESHOLDS: ThresholdSet = { pass_rate: { max_drop: 0 }, '*': { max_drop: 0 } }

export interface PipelineOptions {
  source: ChangeSource
  providers: { get(ref: PromptVersion['provider']): Provider }
  concurrency?: number
  /** Called once the plan is known and before the first model call. */
  onPlanned?: (plan: { prompts: number; calls: number }) => Promise<void> | void
  onProgress?: (done: number, total: number) => void
  debug?: (message: string) => void
}

export interface PipelineOutcome {
  prompts: PromptUnderTest[]
  results: EvalResults
  comparison: Comparison
}

function reasonFor(file: ChangedFile): string {
  switch (file.status) {
    case 'added':
      return 'prompt added (no base version to compare)'
    case 'removed':
      return 'prompt removed (nothing to run)'
    case 'renamed':
      return `prompt renamed from ${file.previousPath ?? 'an earlier path'}`
    default:
      return 'prompt changed'
  }
}

async function readRequired(source: ChangeSource, ref: string, path: string): Promise<string> {
  const text = await source.read(ref, path)
  if (text === undefined) {
    throw new UserError(
      `could not read ${path} at ${ref.slice(0, 7)}; the pull request lists it as changed`,
      {
        file: path
      }
    )
  }
  return text
}

async function loadGitHubModelsPrompt(
  file: ChangedFile,
  source: ChangeSource,
  debug: (message: string) => void
): Promise<PromptUnderTest> {
  const prompt: PromptUnderTest = {
    path: file.path,
    previousPath: file.previousPath,
    status: file.status,
    suite: file.path,
    reason: reasonFor(file),
    cases: [],
    thresholds: DEFAULT_THRESHOLDS
  }
  if (file.status === 'removed') return prompt

  const head = parseGitHubModelsPrompt(
    await readRequired(source, source.headRef, file.path),
    file.path,
    source.headRef
  )
  prompt.head = head.version
  prompt.cases = toTestCases(head, file.path)
  if (file.status === 'added') return prompt

  const basePath = file.previousPath ?? file.path
  const baseText = await source.read(source.baseRef, basePath)
  if (baseText === undefined) {
    prompt.reason = `${prompt.reason}; ${basePath} is missing at the base commit, so it runs as new`
    return prompt
  }
  // A base that no longer parses, or that needs variables the head's test data lacks (a renamed
  // placeholder), cannot be compared; it must not block the head's evaluation.
  try {
    const base = parseGitHubModelsPrompt(baseText, basePath, source.baseRef).version
    for (const testCase of prompt.cases) renderMessages(base.messages, testCase.vars, { file: basePath })
    prompt.base = base
  } catch (error) {
    debug(`base version of ${basePath} cannot run on the head's test data: ${errorMessage(error)}`)
    prompt.reason = `${prompt.reason}; the base version cannot run on the head's test data (${errorMessage(error)}), so the head runs as new`
  }
  return prompt
}

/** Everything the pull request changed that promptgate evaluates, both versions loaded. */
export async function collectPromptsUnderTest(
  source: ChangeSource,
  debug: (message: string) => void = () => {}
): Promise<PromptUnderTest[]> {
  const changed = await source.listChangedFiles()
  debug(`${changed.length} changed files`)
  const prompts = changedGitHubModelsPrompts(changed)
  return Promise.all(prompts.map(file => loadGitHubModelsPrompt(file, source, debug)))
}

/** ChangeSet -> EvalPlan -> Results -> Comparison. Publishing is the caller's. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const debug = options.debug ?? (() => {})
  const prompts = await collectPromptsUnderTest(options.source, debug)
  const runnable = prompts.filter(prompt => prompt.head)
  if (runnable.length > 0) {
    await options.onPlanned?.({ prompts: runnable.length, calls: planEvaluation(runnable).length })
  }
  const results = await runEvaluation(prompts, {
    providers: options.providers,
    concurrency: options.concurrency,
    onProgress: options.onProgress
  })
  return { prompts, results, comparison: compareResults(results) }
}
