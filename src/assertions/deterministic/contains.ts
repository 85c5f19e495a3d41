import type { AssertionContext, AssertionHandler, AssertionSpec } from '../types.js'
import { splitCommaSeparated } from './comma-separated.js'
import { binary, invalidAssertion, quoted, renderedValue } from './values.js'

/** promptfoo accepts a non-empty string or a number (compared as its decimal text). */
function needle(spec: AssertionSpec, context: AssertionContext): string {
  const value = renderedValue(spec, context)
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && !Number.isNaN(value)) return String(value)
  throw invalidAssertion(context, `a "${spec.type}" assertion needs a non-empty string or number value`)
}

/** A list, or a comma-separated string (quotes keep commas inside an item); items compare as text. */
function needles(spec: AssertionSpec, context: AssertionContext): string[] {
  const value = renderedValue(spec, context)
  if (Array.isArray(value)) return value.map(item => String(item))
  if (typeof value === 'string' && value !== '') {
    try {
      return splitCommaSeparated(value)
    } catch (error) {
      throw invalidAssertion(context, `the "${spec.type}" value is malformed: ${(error as Error).message}`)
    }
  }
  throw invalidAssertion(context, `a "${spec.type}" assertion needs a list or a comma-separated string value`)
}

function caseFolding(ignoreCase: boolean): (text: string) => string {
  return ignoreCase ? text => text.toLowerCase() : text => text
}

function containsOne(ignoreCase: boolean): AssertionHandler {
  const fold = caseFolding(ignoreCase)
  return (spec, context) => {
    const value = needle(spec, context)
    return binary(fold(context.output).includes(fold(value)), `Expected output to contain ${quoted(value)}`)
  }
}

function containsAny(ignoreCase: boolean): AssertionHandler {
  const fold = caseFolding(ignoreCase)
  return (spec, context) => {
    const values = needles(spec, context)
    const output = fold(context.output)
    return binary(
      values.some(value => output.includes(fold(value))),
      `Expected output to contain one of ${values.map(value => quoted(value)).join(', ')}`
    )
  }
}

function containsAll(ignoreCase: boolean): AssertionHandler {
  const fold = caseFolding(ignoreCase)
  return (spec, context) => {
    const output = fold(context.output)
    const missing = needles(spec, context).filter(value => !output.includes(fold(value)))
    return binary(
      missing.length === 0,
      `Expected output to contain all of the values; missing ${missing.map(value => quoted(value)).join(', ')}`
    )
  }
}

export const containsHandlers: Record<string, AssertionHandler> = {
  contains: containsOne(false),
  icontains: containsOne(true),
  'contains-any': containsAny(false),
  'icontains-any': containsAny(true),
  'contains-all': containsAll(false),
  'icontains-all': containsAll(true)
}
