import { UserError } from '../errors.js'
import { closestMatch } from '../prompts/did-you-mean.js'
import { deterministicHandlers, handlersApplyingThreshold } from './deterministic/index.js'
import { ghString } from './gh-string.js'
import { ghUnknownEvaluator } from './gh-unknown-evaluator.js'
import { assertionProvider } from './assertion-provider.js'
import { judgeProvider, llmChoice } from './llm-choice.js'
import { llmRubric } from './llm-rubric.js'
import { similar } from './similar.js'
import type { ProviderRef } from '../prompts/types.js'
import type {
  AssertionContext,
  AssertionHandler,
  AssertionOutcome,
  AssertionResult,
  AssertionSpec
} from './types.js'

interface RegisteredHandler {
  handle: AssertionHandler
  /**
   * Whether the registry turns `threshold` into `pass = score >= threshold`. Some deterministic
   * handlers read `threshold` themselves, because promptfoo gives it a meaning per type
   * (a distance for `levenshtein`, milliseconds for `latency`, dollars for `cost`).
   */
  scoreThreshold: boolean
}

const ownHandlers: Record<string, RegisteredHandler> = {
  'gh-string': { handle: ghString, scoreThreshold: true },
  'gh-unknown-evaluator': { handle: ghUnknownEvaluator, scoreThreshold: false },
  'llm-choice': { handle: llmChoice, scoreThreshold: true },
  // Both read `threshold` themselves: llm-rubric also needs the judge's verdict, similar has a default.
  'llm-rubric': { handle: llmRubric, scoreThreshold: false },
  similar: { handle: similar, scoreThreshold: false }
}

const NEGATION = 'not-'

/** Types whose check asks a model (a judge or an embeddings API), so each use is a call of the run. */
const MODEL_GRADED = new Set(['llm-choice', 'llm-rubric', 'similar'])

/** Whether an assertion of this type (with or without `not-`) makes a model call per output. */
export function isModelGraded(type: string): boolean {
  return MODEL_GRADED.has(type.startsWith(NEGATION) ? type.slice(NEGATION.length) : type)
}

/** Every type name the registry knows, without the `not-` prefix. */
export function knownAssertionTypes(): string[] {
  return [...new Set([...Object.keys(deterministicHandlers), ...Object.keys(ownHandlers)])].sort()
}

/**
 * Fails on an unknown assertion type before any model call is made, at the line that names it,
 * rather than after the run has paid for every output.
 */
export function checkAssertionTypes(specs: AssertionSpec[], where: { file: string; line?: number }): void {
  for (const spec of specs) {
    try {
      resolveHandler(spec.type, where.file)
    } catch (error) {
      if (error instanceof UserError)
        throw new UserError(error.message, { file: where.file, line: where.line })
      throw error
    }
  }
}

/**
 * The providers an assertion asks for (its `provider`, an evaluator's `modelId`), each with `where` as its
 * origin, so they can be checked before any model call.
 */
export function providersNamedBy(spec: AssertionSpec, where: { file: string; line?: number }): ProviderRef[] {
  const named = [
    assertionProvider(spec, where.file),
    typeof spec.modelId === 'string' ? judgeProvider(spec.modelId) : undefined
  ]
  return named.filter((ref): ref is ProviderRef => ref !== undefined).map(ref => ({ ...ref, origin: where }))
}

/** Runs a case's assertions concurrently (judges share the run's scheduler) and keeps their order. */
export function runAssertions(specs: AssertionSpec[], context: AssertionContext): Promise<AssertionResult[]> {
  return Promise.all(specs.map(spec => runAssertion(spec, context)))
}

export async function runAssertion(spec: AssertionSpec, context: AssertionContext): Promise<AssertionResult> {
  const { handler, negated } = resolveHandler(spec.type, context.source)
  const weight = readWeight(spec, context.source)
  const metric = typeof spec.metric === 'string' && spec.metric !== '' ? spec.metric : spec.type

  let outcome: AssertionOutcome = await handler.handle(spec, context)
  if (handler.scoreThreshold && spec.threshold !== undefined) {
    outcome = { ...outcome, pass: outcome.score >= readThreshold(spec, context.source) }
  }
  if (negated && !outcome.indeterminate)
    outcome = { ...outcome, pass: !outcome.pass, score: 1 - outcome.score }

  const { indeterminate: _indeterminate, ...judged } = outcome
  return { ...judged, metric, type: spec.type, weight }
}

function lookUp(name: string): RegisteredHandler | undefined {
  if (Object.hasOwn(ownHandlers, name)) return ownHandlers[name]
  if (Object.hasOwn(deterministicHandlers, name)) {
    const handle = deterministicHandlers[name]
    if (handle) return { handle, scoreThreshold: !handlersApplyingThreshold.has(name) }
  }
  return undefined
}

function resolveHandler(
  type: unknown,
  source: string | undefined
): { handler: RegisteredHandler; negated: boolean } {
  if (typeof type !== 'string' || type === '') {
    throw new UserError(`an assertion needs a "type"; known types: ${knownTypesList()}`, { file: source })
  }
  const direct = lookUp(type)
  if (direct) return { handler: direct, negated: false }
  if (type.startsWith(NEGATION)) {
    const negated = lookUp(type.slice(NEGATION.length))
    if (negated) return { handler: negated, negated: true }
  }
  throw unknownType(type, source)
}

function unknownType(type: string, source: string | undefined): UserError {
  const known = knownAssertionTypes()
  const suggestion = closestMatch(type, [...known, ...known.map(name => NEGATION + name)])
  const hint = suggestion === undefined ? '; known types' : `; did you mean "${suggestion}"? Known types`
  return new UserError(`unknown assertion type "${type}"${hint}: ${knownTypesList()}`, { file: source })
}

function knownTypesList(): string {
  return `${knownAssertionTypes().join(', ')} (each also as ${NEGATION}<type>)`
}

function readWeight(spec: AssertionSpec, source: string | undefined): number {
  if (spec.weight === undefined) return 1
  if (typeof spec.weight !== 'number' || !Number.isFinite(spec.weight) || spec.weight < 0) {
    throw new UserError(
      `assertion ${spec.type}: "weight" must be a number of 0 or more, not ${show(spec.weight)}`,
      {
        file: source
      }
    )
  }
  return spec.weight
}

function readThreshold(spec: AssertionSpec, source: string | undefined): number {
  if (typeof spec.threshold !== 'number' || !Number.isFinite(spec.threshold)) {
    throw new UserError(
      `assertion ${spec.type}: "threshold" must be a number between 0 and 1, not ${show(spec.threshold)}`,
      {
        file: source
      }
    )
  }
  return spec.threshold
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value)
}
