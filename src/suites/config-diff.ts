import { isDeepStrictEqual } from 'node:util'
import type { ProviderConfig, SuiteConfig } from '../config/types.js'
import type { ModelParameters } from '../prompts/types.js'

const PARAMETER_NAMES: Record<keyof ModelParameters, string> = {
  temperature: 'temperature',
  maxTokens: 'max_tokens',
  topP: 'top_p'
}

function shown(value: unknown): string {
  return value === undefined ? '(unset)' : String(value)
}

function kindOf(id: string): string {
  return id.slice(0, id.indexOf(':'))
}

function providerChanges(base: ProviderConfig | undefined, head: ProviderConfig | undefined): string[] {
  if (!base && !head) return []
  if (!base || !head) return [`provider ${shown(base?.id)} → ${shown(head?.id)}`]
  const changes: string[] = []
  if (base.id !== head.id) {
    const what = kindOf(base.id) === kindOf(head.id) ? 'provider model' : 'provider'
    changes.push(`${what} ${base.id} → ${head.id}`)
  }
  if (base.baseUrl !== head.baseUrl) changes.push('provider base_url')
  if (base.apiKeyEnv !== head.apiKeyEnv) changes.push('provider api_key_env')
  for (const [key, name] of Object.entries(PARAMETER_NAMES) as [keyof ModelParameters, string][]) {
    const [before, after] = [base.parameters[key], head.parameters[key]]
    if (before !== after) changes.push(`${name} ${shown(before)} → ${shown(after)}`)
  }
  return changes
}

/**
 * What changed in a suite's settings between the base and head configs, in words for the
 * comment, e.g. `provider model openai:gpt-4o-mini → openai:gpt-4o, thresholds`. Empty when
 * nothing that affects the suite's results or gate changed; line numbers never count.
 */
export function suiteConfigChanges(
  base: SuiteConfig,
  head: SuiteConfig,
  graders: { base?: ProviderConfig; head?: ProviderConfig }
): string[] {
  const changes = providerChanges(base.provider, head.provider)
  if (!isDeepStrictEqual(base.prompts, head.prompts)) changes.push('prompt globs')
  if (!isDeepStrictEqual(base.tests, head.tests)) changes.push('golden set (tests)')
  if (!isDeepStrictEqual(base.assert, head.assert)) changes.push('assertions')
  if (!isDeepStrictEqual(base.thresholds, head.thresholds)) changes.push('thresholds')
  if (base.repeat !== head.repeat) changes.push(`repeat ${base.repeat} → ${head.repeat}`)
  if (!isDeepStrictEqual(graders.base, graders.head)) changes.push('grader')
  return changes
}
