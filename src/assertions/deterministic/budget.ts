import type { AssertionHandler } from '../types.js'
import { binary, invalidAssertion, readThreshold } from './values.js'

/**
 * The call took at most `threshold` milliseconds. As in promptfoo, `threshold` is required and is a
 * maximum, not a minimum score; the score is 1 or 0.
 */
export const latency: AssertionHandler = (spec, context) => {
  const limit = readThreshold(spec, context, 'the most milliseconds a call may take')
  if (context.latencyMs === undefined) {
    throw invalidAssertion(
      context,
      'a "latency" assertion needs the call\'s latency, and this result has none'
    )
  }
  return binary(
    context.latencyMs <= limit,
    `Latency ${context.latencyMs}ms is greater than threshold ${limit}ms`
  )
}

/** The call cost at most `threshold` (in the provider's currency, usually US dollars). */
export const cost: AssertionHandler = (spec, context) => {
  const limit = readThreshold(spec, context, 'the most a call may cost')
  if (context.cost === undefined) {
    throw invalidAssertion(
      context,
      'a "cost" assertion needs the call\'s cost, and this provider does not report one'
    )
  }
  return binary(context.cost <= limit, `Cost ${context.cost} is greater than threshold ${limit}`)
}
