import type { Comparison, PromptComparison } from './types.js'

/**
 * The gate before any override. Errors outrank regressions: a run with more failed calls than
 * `maxErrors` is incomplete, so it must never read as a pass. Allowed errors still count as
 * failing cases in the metrics.
 */
export function decideVerdict(prompts: PromptComparison[], maxErrors = 0): Comparison['verdict'] {
  const evaluated = prompts.filter(prompt => prompt.status !== 'removed' && prompt.cases.length > 0)
  if (evaluated.length === 0) return 'skipped'
  const errors = prompts.reduce((total, prompt) => total + prompt.errors.base + prompt.errors.head, 0)
  if (errors > maxErrors) return 'error'
  if (prompts.some(prompt => prompt.regressed)) return 'regressed'
  return 'pass'
}
