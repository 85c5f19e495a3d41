import type { Config } from '../config/types.js'
import { repositoryPath } from '../config/normalise.js'
import { createPathMatcher } from '../suites/match.js'
import type { RolloutPlan } from './types.js'

/** The first plan whose globs match the prompt id, or undefined when none does. */
export function planFor(config: Pick<Config, 'rollout'>, promptId: string): RolloutPlan | undefined {
  return config.rollout?.plans.find(plan => createPathMatcher(plan.prompts)(repositoryPath(promptId)))
}
