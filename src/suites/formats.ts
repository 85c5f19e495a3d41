import type { ProviderConfig } from '../config/types.js'
import type { TestCase } from '../datasets/types.js'
import { UserError } from '../errors.js'
import { parseGitHubModelsPrompt, toTestCases } from '../prompts/github-models.js'
import { parsePromptTemplateFile } from '../prompts/template-file.js'
import type { PromptFormat } from './prompt-under-test.js'
import type { PipelineWarning } from './types.js'

/**
 * A `*.prompt.yml` file: its own model, test data and evaluators. `extraCases` (a suite's golden
 * set, with the suite's assertions) run after its own rows, their ids prefixed with the suite name
 * so that they cannot collide with the rows' 1-based ids.
 */
export function gitHubModelsFormat(
  extra?: { suite: string; cases: TestCase[] },
  warn: (warning: PipelineWarning) => void = () => {}
): PromptFormat {
  return {
    head(text, path, ref) {
      const parsed = parseGitHubModelsPrompt(text, path, ref)
      for (const warning of parsed.warnings) warn(warning)
      if (!parsed.version) return { cases: [], nothing: parsed.nothing }
      const own = toTestCases(parsed, path, warn)
      const added = (extra?.cases ?? []).map(testCase => ({
        ...testCase,
        id: `${extra?.suite}/${testCase.id}`
      }))
      return { version: parsed.version, cases: [...own, ...added] }
    },
    base(text, path, ref) {
      const { version } = parseGitHubModelsPrompt(text, path, ref)
      if (!version) throw new UserError('it has no model, so it cannot run', { file: path })
      return version
    }
  }
}

/**
 * A text, markdown or chat template of a suite. Each side takes the model and parameters from its
 * own config (a model change in the config is measured like a prompt change); both run the head's
 * cases.
 */
export function templateFormat(
  cases: TestCase[],
  providers: { base?: ProviderConfig; head?: ProviderConfig }
): PromptFormat {
  return {
    head: (text, path, ref) => ({ version: parsePromptTemplateFile(text, path, ref, providers.head), cases }),
    base: (text, path, ref) => parsePromptTemplateFile(text, path, ref, providers.base ?? providers.head)
  }
}
