import { describe, expect, it } from '@jest/globals'
import type { SuiteConfig } from '../../../src/config/types.js'
import { suiteConfigChanges } from '../../../src/suites/config-diff.js'

const suite: SuiteConfig = {
  name: 'triage',
  prompts: ['prompts/*.md'],
  tests: 'evals/triage.jsonl',
  testsLine: 5,
  assert: [{ type: 'icontains', value: '{{expected}}' }],
  assertLines: [7],
  provider: { id: 'openai:gpt-4o-mini', baseUrl: 'http://a/v1', parameters: { temperature: 0 } },
  thresholds: { pass_rate: { max_drop: 0 } },
  thresholdLines: { pass_rate: 9 },
  repeat: 1,
  line: 3
}

describe('suiteConfigChanges', () => {
  it('finds nothing when only positions moved', () => {
    const moved = { ...suite, line: 10, testsLine: 12, assertLines: [14], thresholdLines: { pass_rate: 16 } }
    expect(suiteConfigChanges(suite, moved, {})).toEqual([])
  })

  it('names each setting that changed, with old and new values where they are short', () => {
    const head: SuiteConfig = {
      ...suite,
      prompts: ['prompts/**/*.md'],
      tests: 'evals/triage.csv',
      assert: [],
      provider: { id: 'github:openai/gpt-4o', parameters: { temperature: 0, maxTokens: 100 } },
      thresholds: { pass_rate: { max_drop: 0.1 } },
      repeat: 3
    }
    expect(suiteConfigChanges(suite, head, { head: { id: 'openai:judge', parameters: {} } })).toEqual([
      'provider openai:gpt-4o-mini → github:openai/gpt-4o',
      'provider base_url',
      'max_tokens (unset) → 100',
      'prompt globs',
      'golden set (tests)',
      'assertions',
      'thresholds',
      'repeat 1 → 3',
      'grader'
    ])
  })

  it('says "provider model" when only the model of the same kind changed, and notices a new key variable', () => {
    const head = {
      ...suite,
      provider: { ...suite.provider!, id: 'openai:gpt-4o', apiKeyEnv: 'KEY', parameters: { temperature: 1 } }
    }
    expect(suiteConfigChanges(suite, head, {})).toEqual([
      'provider model openai:gpt-4o-mini → openai:gpt-4o',
      'provider api_key_env',
      'temperature 0 → 1'
    ])
  })
})
