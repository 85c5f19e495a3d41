import { providersNamedBy } from '../assertions/index.js'
import { judgeProvider } from '../assertions/llm-choice.js'
import type { ProviderRef } from '../prompts/types.js'
import type { PromptUnderTest } from './types.js'

/**
 * Every provider a run may call, each with the file and line that asked for it: both versions' models,
 * the grader, and what each case's assertions name. Making them all before the first call means a
 * provider that cannot (or may not) be made stops the run before anything is spent or sent.
 */
export function requestedProviders(prompts: PromptUnderTest[]): ProviderRef[] {
  const requested: ProviderRef[] = []
  for (const prompt of prompts) {
    if (!prompt.head) continue
    if (prompt.base) requested.push(prompt.base.provider)
    requested.push(prompt.head.provider)
    if (prompt.grader) requested.push(prompt.grader)
    for (const testCase of prompt.cases) {
      const where = testCase.source ?? { file: prompt.path }
      for (const spec of testCase.assert) {
        requested.push(...providersNamedBy(spec, where))
        if (!prompt.grader && typeof spec.defaultModelId === 'string' && spec.modelId === undefined) {
          requested.push({ ...judgeProvider(spec.defaultModelId)!, origin: where })
        }
      }
    }
  }
  return requested
}
