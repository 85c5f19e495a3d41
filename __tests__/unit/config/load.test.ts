import { describe, expect, it, jest } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { loadConfig, readConfig } from '../../../src/config/load.js'
import { UserError, errorMessage } from '../../../src/errors.js'

const FILE = '.github/promptgate.yml'
const fixture = (name: string) => readFile(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8')

/** The config's text from lines, so each test shows the line:column its expected message names. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`

function failure(text: string, env: Record<string, string | undefined> = {}): string {
  try {
    loadConfig(text, FILE, env)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return errorMessage(error)
  }
  throw new Error('expected loadConfig to fail')
}

describe('loadConfig: good configs', () => {
  it('normalises the complete example', async () => {
    const config = loadConfig(await fixture('complete.yml'), FILE, { LLM_BASE_URL: 'http://localhost:11434' })
    const openai = {
      id: 'openai:gpt-4o-mini',
      baseUrl: 'http://localhost:11434/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      parameters: { temperature: 0, maxTokens: 512, topP: 1 }
    }
    expect(config).toEqual({
      file: FILE,
      version: 1,
      provider: openai,
      grader: { id: 'github:openai/gpt-4o', parameters: {} },
      concurrency: 8,
      repeat: 1,
      maxErrors: 0,
      thresholds: { pass_rate: { max_drop: 0 }, latency: { max_increase: 500 } },
      thresholdLines: { pass_rate: 13, latency: 14 },
      suites: [
        {
          name: 'triage',
          description: 'Labels incoming issues',
          prompts: ['prompts/triage/*.md', 'prompts/shared/triage-*.md'],
          tests: 'evals/triage.jsonl',
          testsLine: 19,
          assert: [{ type: 'icontains', value: '{{expected}}' }],
          assertLines: [21],
          provider: openai,
          thresholds: {
            pass_rate: { min: 0.9, max_drop: 0.02, significance: 0.05 },
            latency: { max_increase: 500 },
            levenshtein: { max_drop: 0.05 }
          },
          thresholdLines: { pass_rate: 24, latency: 14, levenshtein: 25 },
          repeat: 1,
          line: 16
        },
        {
          name: 'summaries',
          prompts: ['prompts/summarise.prompt.yml'],
          tests: [
            {
              description: 'short issue',
              vars: { body: 'The build fails on Windows' },
              assert: [
                {
                  type: 'llm-rubric',
                  value: 'mentions Windows',
                  provider: { id: 'github:openai/gpt-4o-mini', temperature: 0 }
                }
              ]
            },
            { body: 'Costs ${HOME} to run' }
          ],
          testsLine: 30,
          inlineTestLines: [30, 36],
          assert: [],
          assertLines: [],
          provider: { id: 'anthropic:claude-3-5-haiku-latest', parameters: {} },
          thresholds: { pass_rate: { max_drop: 0 }, latency: { max_increase: 500 } },
          thresholdLines: { pass_rate: 13, latency: 14 },
          repeat: 1,
          line: 26
        }
      ]
    })
  })

  it('needs nothing but the version', () => {
    expect(loadConfig('version: 1\n', FILE, {})).toEqual({
      file: FILE,
      version: 1,
      repeat: 1,
      maxErrors: 0,
      thresholds: {},
      thresholdLines: {},
      suites: []
    })
  })

  it('reads repeat, max_errors, provider rate limits and prices, and a suite repeat over the default', () => {
    const config = loadConfig(
      yaml(
        'version: 1',
        'repeat: 3',
        'max_errors: 2',
        'provider:',
        '  id: openai:gpt-4o-mini',
        '  requests_per_minute: 60',
        '  prices: { input_per_million: 0.15, output_per_million: 0.6 }',
        'suites:',
        '  - name: a',
        '    prompts: a/*.md',
        '  - name: b',
        '    prompts: b/*.md',
        '    repeat: 5'
      ),
      FILE,
      {}
    )
    expect(config).toMatchObject({ repeat: 3, maxErrors: 2 })
    expect(config.provider).toEqual({
      id: 'openai:gpt-4o-mini',
      parameters: {},
      requestsPerMinute: 60,
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 }
    })
    expect(config.suites.map(suite => suite.repeat)).toEqual([3, 5])
  })

  it('rejects a repeat below 1, negative max_errors, a zero rate, a partial price and significance 1', () => {
    const message = failure(
      yaml(
        'version: 1',
        'repeat: 0',
        'max_errors: -1',
        'provider:',
        '  id: openai:gpt-4o-mini',
        '  requests_per_minute: 0',
        '  prices: { input_per_million: 0.15 }',
        'thresholds:',
        '  pass_rate: { significance: 1 }'
      )
    )
    expect(message).toContain(':2:9: "repeat" must be at least 1, not 0')
    expect(message).toContain(':3:13: "max_errors" must be at least 0, not -1')
    expect(message).toContain(':6:24: "requests_per_minute" in provider must be greater than 0, not 0')
    expect(message).toContain('missing required key "output_per_million"')
    expect(message).toContain(':9:30: "significance" in threshold "pass_rate" must be less than 1, not 1')
  })

  it('lays suite thresholds over the defaults bound by bound, and replaces the provider', () => {
    const config = loadConfig(
      yaml(
        'version: 1',
        'provider: { id: openai:gpt-4o-mini, temperature: 0 }',
        'thresholds: { pass_rate: { max_drop: 0 } }',
        'suites:',
        '  - name: a',
        '    prompts: a/*.md',
        '    provider: github:openai/gpt-4o',
        '    thresholds: { bleu: { min: 0.3 }, pass_rate: { min: 0.9 } }'
      ),
      FILE,
      {}
    )
    expect(config.suites[0]?.provider).toEqual({ id: 'github:openai/gpt-4o', parameters: {} })
    expect(config.suites[0]?.thresholds).toEqual({ pass_rate: { max_drop: 0, min: 0.9 }, bleu: { min: 0.3 } })
    expect(config.thresholds).toEqual({ pass_rate: { max_drop: 0 } })
  })

  it('reads promptfoo-style file:// and ./ paths as repository paths', () => {
    const config = loadConfig(
      yaml(
        'version: 1',
        'suites:',
        '  - name: a',
        '    prompts: [./a/*.md]',
        '    tests: file://./evals/a.csv'
      ),
      FILE,
      {}
    )
    expect(config.suites[0]).toMatchObject({ prompts: ['a/*.md'], tests: 'evals/a.csv' })
  })

  it('reads ${NAME} from the environment and keeps $${NAME} literal', () => {
    const config = loadConfig(
      yaml('version: 1', 'provider: ${MODEL}', 'suites:', '  - name: $${literal}', '    prompts: [a]'),
      FILE,
      { MODEL: 'openai:gpt-4o' }
    )
    expect(config.provider?.id).toBe('openai:gpt-4o')
    expect(config.suites[0]?.name).toBe('${literal}')
  })
})

describe('loadConfig: every error names the file, line, column, key and what is allowed', () => {
  it('suggests the key an unknown key was probably meant to be', () => {
    const text = yaml(
      'version: 1',
      'suites:',
      '  - name: triage',
      '    prompts: [prompts/*.md]',
      '    tests: evals/triage.jsonl',
      '    assert: []',
      '    thresholdz: {}'
    )
    expect(failure(text)).toBe(
      '.github/promptgate.yml:7:5: unknown key "thresholdz" in suite "triage"; did you mean "thresholds"? ' +
        'Allowed: name, prompts, tests, assert, provider, thresholds, repeat, description'
    )
  })

  it('lists the allowed keys when none is close', () => {
    expect(failure(yaml('version: 1', 'models: 3'))).toBe(
      '.github/promptgate.yml:2:1: unknown key "models" at the top level; ' +
        'allowed: version, provider, grader, concurrency, repeat, max_errors, max_calls, thresholds, suites, rollout'
    )
  })

  it('checks the keys of a provider and of a threshold', () => {
    expect(failure(yaml('version: 1', 'provider:', '  id: openai:x', '  baseurl: http://h'))).toBe(
      '.github/promptgate.yml:4:3: unknown key "baseurl" in provider; did you mean "base_url"? ' +
        'Allowed: id, base_url, api_key_env, temperature, max_tokens, top_p, requests_per_minute, prices'
    )
    expect(failure(yaml('version: 1', 'thresholds:', '  pass_rate: { maxdrop: 0 }'))).toBe(
      '.github/promptgate.yml:3:16: unknown key "maxdrop" in threshold "pass_rate"; did you mean "max_drop"? ' +
        'Allowed: min, max_drop, max, max_increase, significance'
    )
  })

  it('requires version 1', () => {
    expect(failure('version: 2\n')).toBe('.github/promptgate.yml:1:10: "version" must be 1')
    expect(failure(yaml('# promptgate', 'concurrency: 2'))).toBe(
      '.github/promptgate.yml:2:1: missing required key "version"; add "version: 1" at the top of the file'
    )
  })

  it('names the expected type and the value found', () => {
    expect(failure(yaml('version: 1', 'concurrency: eight'))).toBe(
      '.github/promptgate.yml:2:14: "concurrency" must be an integer, not "eight"'
    )
    expect(failure(yaml('version: 1', 'provider:', '  id: openai:x', '  temperature: [0]'))).toBe(
      '.github/promptgate.yml:4:16: "temperature" in provider must be a number, not a list'
    )
    expect(failure(yaml('version: 1', 'suites:', '  - name: a', '    prompts: { a: 1 }'))).toBe(
      '.github/promptgate.yml:4:14: "prompts" in suite "a" must be a string or a list, not a mapping'
    )
  })

  it('names the bound a number broke', () => {
    expect(failure(yaml('version: 1', 'concurrency: 0'))).toBe(
      '.github/promptgate.yml:2:14: "concurrency" must be at least 1, not 0'
    )
    expect(failure(yaml('version: 1', 'thresholds:', '  accuracy: { significance: 5 }'))).toBe(
      '.github/promptgate.yml:3:29: "significance" in threshold "accuracy" must be less than 1, not 5'
    )
  })

  it('explains provider ids, in either form', () => {
    const rule =
      'must be "<kind>:<model>" with kind github, openai, anthropic or command (e.g. "openai:gpt-4o-mini")'
    expect(failure(yaml('version: 1', 'provider: gpt-4o'))).toBe(
      `.github/promptgate.yml:2:11: "provider" ${rule}, not "gpt-4o"`
    )
    expect(
      failure(
        yaml('version: 1', 'suites:', '  - name: a', '    prompts: [a]', '    provider: { id: azure:gpt }')
      )
    ).toBe(`.github/promptgate.yml:5:21: "id" in the provider of suite "a" ${rule}, not "azure:gpt"`)
  })

  it('names a missing environment variable and where it is used', () => {
    const text = yaml('version: 1', 'provider:', '  id: openai:gpt-4o', '  base_url: ${OLLAMA_URL}')
    expect(failure(text, { OLLAMA_URL: '' })).toBe(
      '.github/promptgate.yml:4:13: "base_url" in provider uses environment variable "OLLAMA_URL", which is not set'
    )
  })

  it('reports every problem at once, in file order', () => {
    const text = yaml(
      'version: 1',
      'suites:',
      '  - name: a',
      '    prompts: []',
      '    tests: evals/a.txt',
      '  - name: a',
      '    prompts: [a]'
    )
    expect(failure(text)).toBe(
      [
        '.github/promptgate.yml:4:14: "prompts" in suite "a" must not be an empty list',
        '.github/promptgate.yml:5:12: "tests" in suite "a" must be a path ending in .jsonl, .json, .yaml, .yml ' +
          'or .csv, or a list of test cases, not "evals/a.txt"'
      ].join('\n')
    )
  })

  it('rejects a suite name used twice', () => {
    const text = yaml(
      'version: 1',
      'suites:',
      '  - name: a',
      '    prompts: [a]',
      '  - name: a',
      '    prompts: [b]'
    )
    expect(failure(text)).toBe('.github/promptgate.yml:5:11: suite name "a" is already used on line 3')
  })

  it('checks inline test cases and their assertions', () => {
    const text = yaml(
      'version: 1',
      'suites:',
      '  - name: a',
      '    prompts: [a]',
      '    tests:',
      '      - vars: { q: hi }',
      '        descripton: greeting',
      '        assert:',
      '          - value: hello'
    )
    expect(failure(text)).toBe(
      [
        '.github/promptgate.yml:7:9: unknown key "descripton" in test case 1 of suite "a"; ' +
          'did you mean "description"? Allowed: id, description, vars, assert',
        '.github/promptgate.yml:9:13: missing required key "type" in assertion 1 of test case 1 of suite "a"'
      ].join('\n')
    )
  })

  it('reports YAML syntax errors where they are', () => {
    expect(failure(yaml('version: 1', 'suites:', '  - name: a', ' prompts: [a]'))).toMatch(
      /^\.github\/promptgate\.yml:4:\d+: invalid YAML: /
    )
  })

  it('says what an empty or non-mapping file should hold', () => {
    expect(failure('')).toBe(
      '.github/promptgate.yml:1:1: the config is empty; it needs at least "version: 1"'
    )
    expect(failure('- version: 1\n')).toBe(
      '.github/promptgate.yml:1:1: the config must be a mapping, not a list'
    )
  })

  it('locates the error on the UserError itself', () => {
    try {
      loadConfig(yaml('version: 1', 'concurrency: -1'), FILE, {})
    } catch (error) {
      expect(error).toMatchObject({ file: FILE, line: 2, column: 14 })
      return
    }
    throw new Error('expected an error')
  })
})

describe('readConfig', () => {
  it('is undefined when the file does not exist', async () => {
    const reader = jest.fn(async (_path: string) => undefined)
    await expect(readConfig(reader, FILE, {})).resolves.toBeUndefined()
    expect(reader).toHaveBeenCalledWith(FILE)
  })

  it('loads the file with the given environment', async () => {
    const reader = async () => 'version: 1\nprovider: ${MODEL}\n'
    const config = await readConfig(reader, 'ci/promptgate.yml', { MODEL: 'github:openai/gpt-4o' })
    expect(config).toMatchObject({ file: 'ci/promptgate.yml', provider: { id: 'github:openai/gpt-4o' } })
  })
})
