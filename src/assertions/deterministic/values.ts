import { UserError } from '../../errors.js'
import { renderTemplate } from '../../prompts/template.js'
import type { AssertionContext, AssertionOutcome, AssertionSpec } from '../types.js'

/**
 * The assertion's value with the case's vars filled in. As in promptfoo, strings and the strings
 * inside a list are templated; objects (a JSON value for `equals`, a schema) are used as they are.
 */
export function renderedValue(spec: AssertionSpec, context: AssertionContext): unknown {
  const where = { file: context.source ?? 'the assertion' }
  const render = (text: string) => renderTemplate(text, context.vars, where)
  if (typeof spec.value === 'string') return render(spec.value)
  if (Array.isArray(spec.value))
    return spec.value.map(item => (typeof item === 'string' ? render(item) : item))
  return spec.value
}

/** A mistake in the assertion itself, located at the file it came from. */
export function invalidAssertion(context: AssertionContext, message: string): UserError {
  return new UserError(message, { file: context.source })
}

export function requireString(
  value: unknown,
  spec: AssertionSpec,
  context: AssertionContext,
  options: { allowEmpty?: boolean } = {}
): string {
  if (typeof value === 'string' && (options.allowEmpty || value !== '')) return value
  throw invalidAssertion(context, `a "${spec.type}" assertion needs a non-empty string value`)
}

/**
 * The assertion's `threshold`, or promptfoo's default for the type when it has one. What the number
 * means (a minimum score, a maximum distance, milliseconds) is the caller's, and is named in `meaning`.
 */
export function readThreshold(
  spec: AssertionSpec,
  context: AssertionContext,
  meaning: string,
  fallback?: number
): number {
  const threshold = spec.threshold ?? fallback
  if (typeof threshold === 'number' && Number.isFinite(threshold)) return threshold
  const problem = threshold === undefined ? 'needs a threshold' : 'needs a numeric threshold'
  throw invalidAssertion(context, `a "${spec.type}" assertion ${problem}: ${meaning}`)
}

/** Pass or fail with the score promptfoo gives unscored types: 1 or 0. */
export function binary(pass: boolean, failureReason: string): AssertionOutcome {
  return pass ? passed() : { pass, score: 0, reason: failureReason }
}

export function passed(): AssertionOutcome {
  return { pass: true, score: 1, reason: 'Assertion passed' }
}

/** Text for a reason, cut short so a long value cannot swamp a report. */
export function shortened(text: string, limit = 200): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}

/** Text quoted for a reason, with newlines and quotes escaped. */
export function quoted(text: string): string {
  return JSON.stringify(shortened(text))
}
