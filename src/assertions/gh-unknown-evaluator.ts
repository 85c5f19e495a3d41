import { knownBuiltins } from './github-builtins.js'
import type { AssertionHandler } from './types.js'

/** A `uses:` name `gh models eval` does not know: it scores 0 on every row, as there, and says why. */
export const ghUnknownEvaluator: AssertionHandler = spec => ({
  pass: false,
  score: 0,
  reason: `"uses: ${String(spec.uses)}" is not a built-in evaluator, so it scores 0 (as in gh models eval); known built-ins: ${knownBuiltins().join(', ')}`
})
