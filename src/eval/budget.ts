import { isModelGraded } from '../assertions/index.js'
import { UserError, type ErrorLocation } from '../errors.js'
import type { PromptVersion } from '../prompts/types.js'
import { builtInPrice, type ModelPrice } from '../providers/prices.js'
import type { PlannedCall } from './plan.js'
import type { PromptUnderTest } from './types.js'

/** What a plan will ask of the models, counted before the first call. */
export interface CallCount {
  /** Planned output calls per side (repeats included). */
  base: number
  head: number
  /** Output calls actually made: a call equal to another (same provider, messages, sample) is made once. */
  outputs: number
  /** Judge and embedding calls: one per model-graded assertion per distinct output. */
  judges: number
  /** `outputs + judges`: what `max_calls` bounds. */
  total: number
}

export function countCalls(prompts: readonly PromptUnderTest[], planned: readonly PlannedCall[]): CallCount {
  const seen = new Set<string>()
  let base = 0
  let head = 0
  let judges = 0
  for (const call of planned) {
    if (call.side === 'base') base++
    else head++
    if (seen.has(call.hash)) continue
    seen.add(call.hash)
    const testCase = prompts[call.promptIndex]?.cases[call.caseIndex]
    judges += testCase?.assert.filter(spec => isModelGraded(spec.type)).length ?? 0
  }
  return { base, head, outputs: seen.size, judges, total: seen.size + judges }
}

/** A cap on the calls of one run, and where it was set, for the message that names it. */
export interface CallCap {
  limit: number
  /** e.g. `the max-calls input` or `max_calls in .github/promptgate.yml`. */
  source: string
  at?: ErrorLocation
}

/** The lowest of the caps that are set, or undefined when none is. */
export function lowestCap(caps: readonly (CallCap | undefined)[]): CallCap | undefined {
  return caps.reduce<CallCap | undefined>(
    (lowest, cap) => (cap && (!lowest || cap.limit < lowest.limit) ? cap : lowest),
    undefined
  )
}

/**
 * Before the first call: a plan over the cap is a UserError that says what the plan needs, the
 * cap, and where to raise it. A pull request that grows a golden set to 100,000 rows stops here,
 * not after spending the maintainers' key.
 */
export function enforceCallCap(count: CallCount, cap: CallCap | undefined): void {
  if (!cap || count.total <= cap.limit) return
  throw new UserError(
    `this run's plan needs ${count.total} model calls (${count.outputs} outputs and ${count.judges} judge calls), ` +
      `more than the ${cap.limit} that ${cap.source} allows, so no call was made. Raise ${cap.source} ` +
      `(the action's max-calls input and the config's max_calls both cap a run; the lower applies), ` +
      `or evaluate fewer cases or repeats`,
    cap.at ?? {}
  )
}

/** Tokens as a rough rule of thumb: four characters each. An estimate, not a tokenizer. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

/** Output tokens assumed for a call whose prompt sets no `max_tokens`. */
export const ASSUMED_OUTPUT_TOKENS = 256

export interface CostEstimate {
  /** USD for the output calls whose model has a price; judge calls are not included. */
  usd: number
  inputTokens: number
  outputTokens: number
  /** Provider ids with no known price, whose calls the estimate leaves out. */
  unpriced: string[]
}

/**
 * The output calls' cost from the rendered prompts' length (about four characters per token) and
 * each prompt's `max_tokens` (else 256 tokens), at the config's prices or the built-in table.
 */
export function estimateCost(
  planned: readonly PlannedCall[],
  prompts: readonly PromptUnderTest[],
  prices: Record<string, ModelPrice> = {}
): CostEstimate {
  const seen = new Set<string>()
  const unpriced = new Set<string>()
  let usd = 0
  let inputTokens = 0
  let outputTokens = 0
  for (const call of planned) {
    if (seen.has(call.hash)) continue
    seen.add(call.hash)
    const input = estimateTokens(call.request.messages.map(message => message.content).join('\n'))
    const version: PromptVersion | undefined = prompts[call.promptIndex]?.[call.side]
    const output = version?.parameters.maxTokens ?? ASSUMED_OUTPUT_TOKENS
    inputTokens += input
    outputTokens += output
    const price =
      prices[call.provider.id] ?? builtInPrice(call.provider.id.slice(call.provider.id.indexOf(':') + 1))
    if (!price) {
      unpriced.add(call.provider.id)
      continue
    }
    usd += (input * price.inputPerMillion + output * price.outputPerMillion) / 1e6
  }
  return { usd, inputTokens, outputTokens, unpriced: [...unpriced].sort() }
}
