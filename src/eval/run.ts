import { runAssertions } from '../assertions/index.js'
import type { Embed, Judge } from '../assertions/types.js'
import { errorMessage, isUserError, UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import type { CompletionRequest, Provider } from '../providers/types.js'
import type { ResultCache } from './cache.js'
import { createCallMaker, type CallMaker } from './calls.js'
import { createCpuLane, type CpuLane } from './cpu-lane.js'
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
  /** Once the plan is known and checked, before the first model call. */
  onPlanned?: (planned: PlannedCall[]) => Promise<void> | void
  /** After each planned case is answered and checked; `total` is `planEvaluation(prompts).length`. */
  onProgress?: (done: number, total: number) => void
  /** Results of earlier runs: a call it holds is not made again, and each successful call is added. */
  cache?: ResultCache
}

/** Cases in progress per scheduler slot: while one case's output is checked, others wait for the slot. */
const CASES_PER_SLOT = 4

interface RunContext {
  prompts: PromptUnderTest[]
  calls: CallMaker
  lane: CpuLane
  defaultGrader?: ProviderRef
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
  if (planned.length > 0) await options.onPlanned?.(planned)

  const scheduler = createScheduler(options.concurrency)
  const cancellation = new AbortController()
  const calls = createCallMaker(scheduler, options.providers, cancellation.signal, options.cache)
  const context: RunContext = { prompts, calls, lane: createCpuLane(), defaultGrader: options.defaultGrader }
  let done = 0
  const caseResults: CaseResult[] = new Array(planned.length)
  let next = 0
  // A bounded window of cases in progress, not one pending promise per planned case: enough to keep every
  // slot busy while outputs are checked, and a 20,000-call plan holds thousands fewer objects alive.
  const worker = async (): Promise<void> => {
    while (next < planned.length) {
      const index = next++
      const result = await evaluateCase(planned[index]!, context)
      if (cancellation.signal.aborted) return
      caseResults[index] = result
      options.onProgress?.(++done, planned.length)
    }
  }
  const window = Math.min(planned.length, scheduler.concurrency * CASES_PER_SLOT)

  try {
    await Promise.all(Array.from({ length: window }, worker))
    return {
      prompts: collectByPrompt(prompts, planned, caseResults),
      calls: scheduler.calls,
      durationMs: Math.round(performance.now() - startedAt),
      errors: caseResults.filter(result => result.call.error !== undefined).length,
      cached: calls.cached
    }
  } catch (error) {
    // A configuration error ends the run: stop what is queued and cancel what is in flight.
    cancellation.abort()
    scheduler.cancelWaiting()
    throw error
  } finally {
    await options.cache?.flush()
  }
}

async function evaluateCase(planned: PlannedCall, context: RunContext): Promise<CaseResult> {
  const prompt = context.prompts[planned.promptIndex]!
  const testCase = prompt.cases[planned.caseIndex]!
  const sampled = (prompt.repeat ?? 1) > 1
  const summarize = (call: CaseResult['call'], assertions: CaseResult['assertions']): CaseResult => {
    const result = summarizeCase(testCase.id, call, assertions)
    return sampled ? { ...result, repeat: planned.repeat } : result
  }
  // A copy: identical calls share one answer, but each case owns its result.
  const call = { ...(await context.calls.call(planned.hash, planned.provider, planned.request)) }
  if (call.error !== undefined) return summarize(call, [])

  const grader = prompt.grader ?? context.defaultGrader
  const graderFallback = grader ?? planned.provider
  const source = testCase.source?.file ?? planned.path
  // Checking can take milliseconds of CPU (edit distances, schemas); requests waiting for a slot go first.
  await context.lane.turn()
  try {
    const assertions = await runAssertions(testCase.assert, {
      output: call.output,
      vars: testCase.vars,
      expected: testCase.expected,
      latencyMs: call.latencyMs,
      cost: call.cost,
      judge: createJudge(context.calls, { grader, model: planned.provider }, planned.repeat),
      embed: createEmbed(context.calls, graderFallback, source),
      source
    })
    return summarize(call, assertions)
  } catch (error) {
    if (isUserError(error)) throw error
    return summarize({ ...call, error: `could not check the output: ${errorMessage(error)}` }, [])
  }
}

/**
 * Judge calls share the run's scheduler, deduplication and cache with the evaluated calls. A sample's
 * judge call carries its repeat index, so repeats measure the judge's variance too.
 */
function createJudge(
  calls: CallMaker,
  defaults: { grader: ProviderRef | undefined; model: ProviderRef },
  repeat: number
): Judge {
  return async ({ messages, provider, fallback }) => {
    const ref = provider ?? defaults.grader ?? fallback ?? defaults.model
    const request: CompletionRequest = { messages, parameters: {} }
    const result = await calls.call(hashCall(ref, request, repeat), ref, request)
    if (result.error !== undefined) throw new Error(`the judge ${ref.id} failed: ${result.error}`)
    return result.output
  }
}

/**
 * Embeddings share the run's scheduler and cache too, one request per distinct text, so a reference value
 * is embedded once for both sides and every case that uses it.
 */
function createEmbed(calls: CallMaker, fallback: ProviderRef, source: string): Embed {
  return async ({ texts, provider }) => {
    const ref = provider ?? fallback
    try {
      return await Promise.all(texts.map(text => calls.embed(ref, text)))
    } catch (error) {
      if (isUserError(error) && error.file === undefined) throw new UserError(error.message, { file: source })
      if (isUserError(error)) throw error
      throw new Error(`the embeddings of ${ref.id} failed: ${errorMessage(error)}`)
    }
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
