import type { AssertionHandler } from '../types.js'
import { REGEX_TIME_LIMIT_MS, testWithTimeLimit } from './bounded-regex.js'
import { binary, renderedValue, requireString, shortened } from './values.js'

/**
 * The value is a JavaScript pattern, compiled without flags as promptfoo compiles it, that may
 * match anywhere in the output. As in promptfoo, a pattern that does not compile fails the case
 * rather than the run: a templated pattern may be valid for some cases' vars and not for others.
 * The match runs under a time limit, so a pattern that backtracks forever fails its case (negated
 * or not) instead of hanging the job.
 */
export const regex: AssertionHandler = (spec, context) => {
  const pattern = requireString(renderedValue(spec, context), spec, context)
  let compiled: RegExp
  try {
    compiled = new RegExp(pattern)
  } catch (error) {
    return { pass: false, score: 0, reason: `Invalid regex pattern: ${(error as Error).message}` }
  }
  const matched = testWithTimeLimit(compiled, context.output)
  if (matched === 'timeout') {
    return {
      pass: false,
      score: 0,
      indeterminate: true,
      reason:
        `The regex /${shortened(pattern)}/ ran longer than ${REGEX_TIME_LIMIT_MS} ms on this output and was stopped; ` +
        'it backtracks catastrophically (nested repetition such as (a+)+): simplify it'
    }
  }
  return binary(matched, `Expected output to match /${shortened(pattern)}/`)
}
