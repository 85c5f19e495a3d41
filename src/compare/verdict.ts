import type { Comparison, PromptComparison } from './types.js'

/**
 * The gate before any override. Errors outrank regressions: a run with failed calls is
 * incomplete, so it must never read as a pass.
 */
export function decideVerdict(prompts: PromptComparison[]): Comparison['verdict'] {
  const evaluated = prompts.filter(prompt => prompt.status !== 'removed' && prompt.cases.length > 0)
  if (evaluated.length === 0) return 'skipped'
  if (prompts.some(prompt => prompt.errors.base + prompt.errors.head > 0)) return 'error'
  if (prompts.some(prompt => prompt.regressed)) return 'regressed'
  return 'pass'
}
