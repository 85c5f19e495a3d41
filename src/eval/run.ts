import { runAssertions } from '../assertions/index.js'
import type { Judge } from '../assertions/types.js'
import { errorMessage, isUserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest, Provider } from '../providers/types.js'
import { createCallMaker, type CallMaker } from './calls.js'
import { hashCall } from './hash.js'
import { isRunnable, planEvaluation, type PlannedCall } from './plan.js'
import { createScheduler } from './scheduler.js'
import { summarizeCase } from './score.js'
import type { CaseResult, EvalResults, PromptResults, PromptUnderTest } from './types.js'

export interface RunOptions {
  providers: { get(ref: ProviderRef): Provider }
  /** Model calls in flight at once, across both sides, all prompts and judges (default 8). */
  concurrency?: number
  /** Judge for llm assertions when neither the assertion nor the prompt names one. */
  defaultGrader?: ProviderRef
  /** After each planned case is answered and checked; `total` is `planEvaluation(prompts).length`. */
  onProgress?: (done: number, total: number) => void
}

/**
 * Runs both versions of every prompt on its test cases and checks the outputs. Template and provider
 * configuration errors throw before the first model call; a call that fails after its retries is
 * recorded on its case and the run goes on.
 */
export async function runEvaluation(prompts: PromptUnderTest[], options: RunOptions): Promise<EvalResults> {
  const startedAt = performance.now()
  const planned = planEvaluation(prompts)
  for (const call of planned) options.providers.get(call.provider)

  const scheduler = createScheduler(options.concurrency)
  const cancellation = new AbortController()
  const calls = createCallMaker(scheduler, options.providers, cancellation.signal)
  let done = 0

  try {
    const caseResults = await Promise.all(
      planned.map(async call => {
        const result = await evaluateCase(call, prompts, calls, options.defaultGrader)
        options.onProgress?.(++done, planned.length)
        return result
      })
    )
    return {
      prompts: collectByPrompt(prompts, planned, caseResults),
      calls: scheduler.calls,
      durationMs: Math.round(performance.now() - startedAt)
    }
  } catch (error) {
    // A configuration error ends the run: stop what is queued and cancel what is in flight.
    cancellation.abort()
    scheduler.cancelWaiting()
    throw error
  }
}

async function evaluateCase(
  planned: PlannedCall,
  prompts: PromptUnderTest[],
  calls: CallMaker,
  defaultGrader: ProviderRef | undefined
): Promise<CaseResult> {
  const prompt = prompts[planned.promptIndex]!
  const testCase = prompt.cases[planned.caseIndex]!
  // A copy: identical calls share one answer, but each case owns its result.
  const call = { ...(await calls.call(planned.hash, planned.provider, planned.request)) }
  if (call.error !== undefined) return summarizeCase(testCase.id, call, [])

  const graderFallback = prompt.grader ?? defaultGrader ?? planned.provider
  try {
    const assertions = await runAssertions(testCase.assert, {
      output: call.output,
      vars: testCase.vars,
      expected: testCase.expected,
      latencyMs: call.latencyMs,
      cost: call.cost,
      judge: createJudge(calls, graderFallback),
      source: testCase.source?.file ?? planned.path
    })
    return summarizeCase(testCase.id, call, assertions)
  } catch (error) {
    if (isUserError(error)) throw error
    return summarizeCase(
      testCase.id,
      { ...call, error: `could not check the output: ${errorMessage(error)}` },
      []
    )
  }
}

/** Judge calls share the run's scheduler and deduplication with the evaluated calls. */
function createJudge(calls: CallMaker, fallback: ProviderRef): Judge {
  return async ({ messages, provider }) => {
    const ref = provider ?? fallback
    const request: CompletionRequest = { messages, parameters: {} }
    const result = await calls.call(hashCall(ref, request), ref, request)
    if (result.error !== undefined) throw new Error(`the judge ${ref.id} failed: ${result.error}`)
    return result.output
  }
}

function collectByPrompt(
  prompts: PromptUnderTest[],
  planned: PlannedCall[],
  caseResults: CaseResult[]
): PromptResults[] {
  const results: PromptResults[] = prompts.map(prompt => {
    const entry: PromptResults = { prompt }
    if (isRunnable(prompt)) {
      if (prompt.base) entry.base = []
      if (prompt.head) entry.head = []
    }
    return entry
  })
  planned.forEach((call, index) => results[call.promptIndex]![call.side]!.push(caseResults[index]!))
  return results
}
