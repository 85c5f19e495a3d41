import { repositoryPath } from '../config/normalise.js'
import type { Config } from '../config/types.js'
import { planMatcher } from './plan-for.js'
import type { RolloutPlan } from './types.js'

/** The first plan of the config whose globs match the prompt id, or undefined when none does. */
export function planFor(config: Pick<Config, 'rollout'>, promptId: string): RolloutPlan | undefined {
  return planMatcher(config.rollout?.plans ?? [])(repositoryPath(promptId))
}
