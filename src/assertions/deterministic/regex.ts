import type { AssertionHandler } from '../types.js'
import { binary, renderedValue, requireString, shortened } from './values.js'

/**
 * The value is a JavaScript pattern, compiled without flags as promptfoo compiles it, that may
 * match anywhere in the output. As in promptfoo, a pattern that does not compile fails the case
 * rather than the run: a templated pattern may be valid for some cases' vars and not for others.
 */
export const regex: AssertionHandler = (spec, context) => {
  const pattern = requireString(renderedValue(spec, context), spec, context)
  let compiled: RegExp
  try {
    compiled = new RegExp(pattern)
  } catch (error) {
    return { pass: false, score: 0, reason: `Invalid regex pattern: ${(error as Error).message}` }
  }
  return binary(compiled.test(context.output), `Expected output to match /${shortened(pattern)}/`)
}
