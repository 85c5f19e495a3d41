import { createPathMatcher } from '../suites/match.js'
import type { RolloutPlan } from './types.js'

/** The first plan whose `prompts` globs match a prompt id (its repository path). */
export function planMatcher(plans: readonly RolloutPlan[]): (prompt: string) => RolloutPlan | undefined {
  const matchers = plans.map(plan => ({ plan, matches: createPathMatcher(plan.prompts) }))
  return prompt => matchers.find(entry => entry.matches(prompt))?.plan
}
