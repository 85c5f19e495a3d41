import { createHash } from 'node:crypto'
import type { PromptComparison } from '../compare/types.js'
import { stableStringify } from '../eval/hash.js'
import type { PromptUnderTest } from '../eval/types.js'
import type { RegisterRequest } from './commands.js'
import { contentDigest, promptContent } from './digest.js'
import type { VersionEval } from './types.js'

export interface EvaluatedPrompts {
  prompts: PromptUnderTest[]
  comparison: { prompts: PromptComparison[] }
}

/**
 * What to register from an evaluation: each prompt's head version with the head's scores, the base it
 * was compared with and the deltas. A removed prompt registers nothing.
 */
export function registerRequestsFrom(
  evaluated: EvaluatedPrompts,
  commit: string,
  override: VersionEval['override'] = null
): RegisterRequest[] {
  return evaluated.prompts.flatMap((prompt, index) => {
    const head = prompt.head
    const compared =
      evaluated.comparison.prompts.find(candidate => candidate.path === prompt.path) ??
      evaluated.comparison.prompts[index]
    if (!head) return []
    const content = promptContent(head)
    const headCases = compared?.cases.filter(row => row.head !== undefined).length ?? 0
    const metrics: VersionEval['metrics'] = {}
    const deltas: Record<string, number> = {}
    for (const metric of compared?.metrics ?? []) {
      if (metric.head !== undefined) metrics[metric.metric] = { value: metric.head, n: headCases }
      if (metric.delta !== undefined) deltas[metric.metric] = metric.delta
    }
    const count = (change: string): number => compared?.cases.filter(row => row.change === change).length ?? 0
    const base = prompt.base
    return [
      {
        prompt: prompt.path,
        ...(head.name ? { name: head.name } : {}),
        content,
        commit,
        eval: {
          metrics,
          dataset_digest: `sha256:${createHash('sha256').update(stableStringify(prompt.cases)).digest('hex')}`,
          provider: head.provider.id,
          baseline: base ? { digest: contentDigest(promptContent(base)), deltas } : null,
          improved: count('improved'),
          regressed: count('regressed'),
          override: compared?.regressed ? override : null
        }
      }
    ]
  })
}
