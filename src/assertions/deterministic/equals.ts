import { isDeepStrictEqual } from 'node:util'
import type { AssertionHandler } from '../types.js'
import { binary, invalidAssertion, quoted, renderedValue, shortened } from './values.js'

/**
 * A string (or number) value must equal the output exactly. An object or list value must
 * deep-equal the output parsed as JSON; output that is not JSON then fails.
 */
export const equals: AssertionHandler = (spec, context) => {
  const expected = renderedValue(spec, context)
  if (expected === undefined) throw invalidAssertion(context, 'an "equals" assertion needs a value')
  if (typeof expected === 'object') {
    return binary(
      parsesAndEquals(context.output, expected),
      `Expected output ${quoted(context.output)} to equal the JSON ${shortened(JSON.stringify(expected))}`
    )
  }
  const text = String(expected)
  return binary(context.output === text, `Expected output ${quoted(context.output)} to equal ${quoted(text)}`)
}

function parsesAndEquals(output: string, expected: unknown): boolean {
  try {
    return isDeepStrictEqual(expected, JSON.parse(output))
  } catch {
    return false
  }
}
