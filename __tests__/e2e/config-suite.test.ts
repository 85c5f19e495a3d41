import { afterEach, describe, expect, it } from '@jest/globals'
import type { FakeRequest } from '../helpers/fake-openai.js'
import type { Tree } from '../helpers/git-repo.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

const TOKEN = 'ghs_e2eConfigToken0123456789'
const LLM_KEY = 'sk-e2e-config-suite-key-0123456789'
const CONFIG = '.github/promptgate.yml'
const PROMPT = 'prompts/triage.md'
const GOLDEN = 'evals/triage.jsonl'

const lines = (...text: string[]) => `${text.join('\n')}\n`

const CONFIG_TEXT = lines(
  '# yaml-language-server: $schema=../schema/promptgate.schema.json',
  'version: 1',
  'provider:',
  '  id: openai:labeller-1',
  '  base_url: ${LLM_URL}',
  '  api_key_env: LLM_KEY',
  '  temperature: 0',
  'suites:',
  '  - name: triage',
  '    prompts: prompts/*.md',
  `    tests: ${GOLDEN}`,
  '    assert:',
  "      - { type: icontains, value: '{{expected}}' }",
  "      - { type: equals, value: '{{expected}}' }",
  '    thresholds:',
  '      icontains: { max_drop: 0 }',
  '      equals: { max_drop: 0.1 }'
)

const GOLDEN_SET = lines(
  '{"description": "a crash", "vars": {"title": "App crashes on start", "expected": "bug"}}',
  '{"vars": {"title": "Please add dark mode", "expected": "feature"}}',
  '{"vars": {"title": "Typo in the README", "expected": "docs"}}'
)

const template = (instruction: string) =>
  lines(
    '---',
    'system: You label GitHub issues.',
    'max_tokens: 20',
    '---',
    instruction,
    '',
    'Issue: {{title}}'
  )

const ONE_WORD = template('Answer with one word: bug, feature or docs.')
const EXPLAINED = template('Answer with a short sentence that names the label: bug, feature or docs.')

/** Follows the "one word" instruction; otherwise answers in a sentence that still names the label. */
function labeller(request: FakeRequest): string {
  const text = request.messages.map(message => message.content).join('\n')
  const label = /crash/.test(text) ? 'bug' : /dark mode/.test(text) ? 'feature' : 'docs'
  return /one word/.test(text) ? label : `The label is ${label}.`
}

afterEach(closeWorlds)

async function world(base: Tree, head: Tree) {
  const w = await startWorld(base, head, { token: TOKEN, respond: labeller })
  const run = () =>
    w.run({
      // GitHub Models is not used here: every call must go to the provider the config names.
      modelsEndpoint: 'http://127.0.0.1:9/unused',
      env: { LLM_URL: w.model.url, LLM_KEY }
    })
  return { ...w, run }
}

function stickyComment(w: World): string {
  const comments = w.stickyComments()
  expect(comments).toHaveLength(1)
  return comments[0]?.body ?? ''
}

/** The summary table's row for a metric, e.g. "| | `equals` | 1.00 | 0.33 | ... |". */
function metricRow(body: string, metric: string): string {
  const row = body.split('\n').find(line => line.startsWith('|') && line.includes(`\`${metric}\``))
  if (!row) throw new Error(`no table row for ${metric} in:\n${body}`)
  return row
}

const repository = (prompt: string, extra: Tree = {}): Tree => ({
  [CONFIG]: CONFIG_TEXT,
  [PROMPT]: prompt,
  [GOLDEN]: GOLDEN_SET,
  'README.md': 'docs',
  ...extra
})

describe('the action with a config suite: a markdown template, a JSONL golden set, an OpenAI-compatible server', () => {
  it('regresses on one metric and passes another, and the comment marks both', async () => {
    const w = await world(repository(ONE_WORD), repository(EXPLAINED))
    const run = await w.run()

    expect(run.outputs.verdict).toBe('regressed')
    expect(run.exitCode).toBe(1)
    const body = stickyComment(w)
    expect(metricRow(body, 'equals')).toContain('❌')
    expect(metricRow(body, 'icontains')).toContain('✅')
    expect(body).toContain(PROMPT)
    expect(body).toMatch(/prompt changed/)
    expect(body).toContain('The label is bug.')

    // 3 cases x 2 sides, all to the configured server, model and parameters, with the key from the environment.
    expect(w.model.requests).toHaveLength(6)
    for (const request of w.model.requests) {
      expect(request.model).toBe('labeller-1')
      expect(request.headers.authorization).toBe(`Bearer ${LLM_KEY}`)
      expect(request.body).toMatchObject({ temperature: 0 })
      expect(request.messages[0]).toEqual({ role: 'system', content: 'You label GitHub issues.' })
    }
    // The key the provider reads is masked in the log once (the runner's mask command), and appears nowhere else.
    expect(run.stdout.split('\n').filter(line => line === `::add-mask::${LLM_KEY}`)).toHaveLength(1)
    const logs = `${run.stdout}${run.stderr}`.replace(/^::add-mask::.*$/gm, '')
    expect(`${logs}${body}${run.summary}`).not.toContain(LLM_KEY)
    // Only the prompt changed: the action never needed the file tree.
    expect(w.github.requests.some(request => request.path.includes('/git/trees/'))).toBe(false)
  })

  it('runs every prompt of the suite when only the golden set changed, and says why', async () => {
    const moreCases = `${GOLDEN_SET}{"vars": {"title": "Crash when saving", "expected": "bug"}}\n`
    // A threshold on a metric nothing measures gates nothing: a warning on its line says so.
    const config = `${CONFIG_TEXT}      bleu: { max_drop: 0 }\n`
    const second = template('Reply in one word.')
    const base = repository(ONE_WORD, { 'prompts/second.md': second, [CONFIG]: config })
    const head = repository(ONE_WORD, { 'prompts/second.md': second, [CONFIG]: config, [GOLDEN]: moreCases })
    const w = await world(base, head)
    const run = await w.run()

    expect(run.outputs.verdict).toBe('pass')
    expect(run.exitCode).toBe(0)
    const body = stickyComment(w)
    expect(body).toContain(PROMPT)
    expect(body).toContain('prompts/second.md')
    expect(body).toContain(`golden set ${GOLDEN} changed`)
    // The checkout holds both commits, so the suite's files are listed from git, not the trees API.
    expect(w.github.requests.filter(request => request.route?.includes('/git/trees/'))).toHaveLength(0)
    // Base and head of each prompt are the same text, so identical calls are made once: 2 prompts x 4 cases.
    expect(w.model.requests).toHaveLength(8)
    const warnings = run.annotations.filter(annotation => annotation.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.properties).toContain(`file=${CONFIG}`)
    expect(warnings[0]?.properties).toContain('line=18')
    expect(warnings[0]?.message).toMatch(/^the threshold "bleu" of suite "triage" gates nothing/)
  })

  it('fails a config with a mistake with one error at its file and line, and no model call', async () => {
    const broken = CONFIG_TEXT.replace('    tests:', '    test:')
    const w = await world(repository(ONE_WORD), repository(EXPLAINED, { [CONFIG]: broken }))
    const run = await w.run()

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    const errors = run.annotations.filter(annotation => annotation.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.properties).toContain(`file=${CONFIG}`)
    expect(errors[0]?.properties).toContain('line=11')
    expect(errors[0]?.message).toContain('unknown key "test" in suite "triage"; did you mean "tests"?')
    expect(w.model.requests).toHaveLength(0)
  })
})
