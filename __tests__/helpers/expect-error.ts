import { expect } from '@jest/globals'
import type { ActionRun } from './run-action.js'

/** The run's `::error` annotations. */
export function errorAnnotations(run: Pick<ActionRun, 'annotations'>): ActionRun['annotations'] {
  return run.annotations.filter(annotation => annotation.level === 'error')
}

/** No stack trace and no bare internal error in what the step printed. */
export function expectNoStack(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)
  expect(output).not.toMatch(/RangeError|ReferenceError|TypeError/)
}

/**
 * The step failed with exactly one `::error`, whose properties include `where` (e.g. `file=a.yml,line=3`)
 * and whose message matches, and printed no stack trace.
 */
export function expectOneError(
  run: Pick<ActionRun, 'annotations' | 'exitCode' | 'stdout' | 'stderr'>,
  where: string | RegExp | undefined,
  message: RegExp
): void {
  expect(run.exitCode).toBe(1)
  const errors = errorAnnotations(run)
  expect(errors).toHaveLength(1)
  if (typeof where === 'string') expect(errors[0]?.properties).toContain(where)
  else if (where) expect(errors[0]?.properties).toMatch(where)
  expect(errors[0]?.message).toMatch(message)
  expectNoStack(run.stdout + run.stderr)
}
