import type { AssertionContext, AssertionOutcome, AssertionSpec } from '../../../../src/assertions/types.js'
import { deterministicHandlers } from '../../../../src/assertions/deterministic/index.js'

/** A context for deterministic handlers: they never ask the judge, so it fails loudly if they do. */
export function contextFor(output: string, overrides: Partial<AssertionContext> = {}): AssertionContext {
  return {
    output,
    vars: {},
    source: 'evals/suite.yml',
    judge: () => Promise.reject(new Error('deterministic assertions must not call the judge')),
    ...overrides
  }
}

/** Runs the registered handler for `spec.type` on `output`. */
export async function check(
  spec: AssertionSpec,
  output: string,
  overrides: Partial<AssertionContext> = {}
): Promise<AssertionOutcome> {
  const handler = deterministicHandlers[spec.type]
  if (!handler) throw new Error(`no deterministic handler for ${spec.type}`)
  return handler(spec, contextFor(output, overrides))
}
