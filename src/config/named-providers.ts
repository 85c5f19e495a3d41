import { providersNamedBy } from '../assertions/index.js'
import type { ProviderRef } from '../prompts/types.js'
import type { Config } from './types.js'

/** Every provider a config names: its provider and grader, and each suite's provider and assertions'. */
export function providersNamedInConfig(config: Config): ProviderRef[] {
  const named: ProviderRef[] = []
  if (config.provider) named.push(config.provider)
  if (config.grader) named.push(config.grader)
  for (const suite of config.suites) {
    if (suite.provider) named.push(suite.provider)
    suite.assert.forEach((spec, index) =>
      named.push(...providersNamedBy(spec, { file: config.file, line: suite.assertLines[index] }))
    )
  }
  return named
}
