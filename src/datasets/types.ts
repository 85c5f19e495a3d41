import type { AssertionSpec } from '../assertions/types.js'

/** One golden example, promptfoo's shape. */
export interface TestCase {
  /** Stable id within its set: the 1-based row number unless the data names one. */
  id: string
  description?: string
  vars: Record<string, unknown>
  /** The `expected` var or CSV `__expected` column, shown to reviewers. */
  expected?: string
  /** Assertions for this case (suite-level ones already merged in). */
  assert: AssertionSpec[]
  /** Where the case was defined, for error messages. */
  source?: { file: string; line?: number }
}
