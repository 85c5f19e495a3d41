/**
 * Under pull_request_target the run holds secrets while it evaluates pull-request content. These tests
 * attack the three ways that content can name a provider (a template's front matter, a *.prompt.yml
 * evaluator's modelId, a golden-set row's assertion provider) and check that none of them runs a
 * command, reads a key, or sends a request the base branch's config did not name.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js'
import type { Tree } from '../helpers/git-repo.js'
import { expectOneError } from '../helpers/expect-error.js'
import type { ActionRun } from '../helpers/run-action.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

const TOKEN = 'ghs_e2eTrustedProvidersToken0123'
const LLM_KEY = 'sk-e2e-trusted-providers-key-0123456789'
const OTHER_KEY = 'sk-e2e-other-secret-never-read-987654'
const CONFIG = '.github/promptgate.yml'
const TEMPLATE = 'prompts/triage.md'
const GOLDEN = 'evals/triage.jsonl'
const STANDALONE = 'prompts/summary.prompt.yml'
const PWNED = 'pwned.txt'

const lines = (...text: string[]) => `${text.join('\n')}\n`

const CONFIG_TEXT = lines(
  'version: 1',
  'provider:',
  '  id: openai:labeller-1',
  '  base_url: ${LLM_URL}',
  '  api_key_env: LLM_KEY',
  'suites:',
  '  - name: triage',
  '    prompts: prompts/*.md',
  `    tests: ${GOLDEN}`,
  '    assert:',
  "      - { type: icontains, value: '{{expected}}' }"
)

const GOLDEN_SET = lines('{"vars": {"title": "App crashes on start", "expected": "bug"}}')

const template = (frontMatter: string[], instruction: string) =>
  lines('---', ...frontMatter, '---', instruction, '', 'Issue: {{title}}')

const BASE_TEMPLATE = template([], 'Answer with one word.')

const repository = (extra: Tree = {}): Tree => ({
  [CONFIG]: CONFIG_TEXT,
  [TEMPLATE]: BASE_TEMPLATE,
  [GOLDEN]: GOLDEN_SET,
  ...extra
})

const attackers: FakeOpenAI[] = []
afterEach(async () => {
  await closeWorlds()
  while (attackers.length) await attackers.pop()?.close()
})

async function attackerServer(): Promise<FakeOpenAI> {
  const server = await startFakeOpenAI({ respond: () => 'bug' })
  attackers.push(server)
  return server
}

async function world(head: Tree, base: Tree = repository()): Promise<World> {
  return startWorld(base, head, { token: TOKEN, respond: () => 'bug' })
}

function runTarget(
  w: World,
  inputs: Record<string, string> = {},
  eventName = 'pull_request_target',
  llmUrl = w.model.url
) {
  return w.run({
    eventName,
    inputs,
    modelsEndpoint: 'http://127.0.0.1:9/unused',
    env: { LLM_URL: llmUrl, LLM_KEY, OTHER_KEY }
  })
}

function expectRefused(run: ActionRun, file: string, line?: number): void {
  expectOneError(run, line === undefined ? `file=${file}` : `file=${file},line=${line}`, /does not name/)
  expect(run.outputs.verdict).toBe('error')
}

describe('under pull_request_target only the base branch config providers run', () => {
  it("never runs a command named in a template's front matter", async () => {
    const command = `command:touch ${PWNED}`
    const w = await world(repository({ [TEMPLATE]: template([`model: ${command}`], 'Answer.') }))
    const run = await runTarget(w)

    expectRefused(run, TEMPLATE, 2)
    expect(run.annotations.find(annotation => annotation.level === 'error')?.message).toContain(command)
    expect(existsSync(join(w.repo.dir, PWNED))).toBe(false)
    expect(w.model.requests).toHaveLength(0)
  })

  it("never runs a command named as a *.prompt.yml evaluator's modelId", async () => {
    const standalone = lines(
      'model: openai/gpt-4o-mini',
      'messages:',
      '  - role: user',
      '    content: Summarise {{text}}',
      'testData:',
      '  - text: hello',
      'evaluators:',
      '  - name: judged',
      '    llm:',
      `      modelId: 'command:touch ${PWNED}'`,
      "      prompt: 'Is {{completion}} good?'",
      '      choices: [{ choice: "yes", score: 1 }, { choice: "no", score: 0 }]'
    )
    const w = await world(repository({ [STANDALONE]: standalone }))
    const run = await runTarget(w)

    expectRefused(run, STANDALONE)
    expect(existsSync(join(w.repo.dir, PWNED))).toBe(false)
    expect(w.model.requests).toHaveLength(0)
  })

  it("never sends a request or reads a key that a golden-set row's assertion names", async () => {
    const attacker = await attackerServer()
    const row = {
      vars: { title: 'App crashes on start', expected: 'bug' },
      assert: [
        {
          type: 'llm-rubric',
          value: 'names the label',
          provider: { id: 'openai:gpt-4o', base_url: attacker.url, api_key_env: 'OTHER_KEY' }
        }
      ]
    }
    const w = await world(repository({ [GOLDEN]: `${JSON.stringify(row)}\n` }))
    const run = await runTarget(w)

    expectRefused(run, GOLDEN, 1)
    expect(attacker.requests).toHaveLength(0)
    expect(w.model.requests).toHaveLength(0)
    expect(`${run.stdout}${run.stderr}${run.summary}`).not.toContain(OTHER_KEY)
  })

  it('refuses the trusted URL with a key variable the trusted config does not name', async () => {
    const trusted = await attackerServer()
    const row = {
      vars: { title: 'App crashes on start', expected: 'bug' },
      assert: [
        {
          type: 'llm-rubric',
          value: 'names the label',
          provider: { id: 'openai:labeller-1', base_url: trusted.url, api_key_env: 'OTHER_KEY' }
        }
      ]
    }
    const w = await world(repository({ [GOLDEN]: `${JSON.stringify(row)}\n` }))
    const run = await runTarget(w, {}, 'pull_request_target', trusted.url)

    expectRefused(run, GOLDEN, 1)
    expect(trusted.requests).toHaveLength(0)
  })

  it('lets the pull request pick another model at the trusted endpoint, with the trusted key', async () => {
    const w = await world(repository({ [TEMPLATE]: template(['model: openai:labeller-2'], 'Answer.') }))
    const run = await runTarget(w)

    expect(run.outputs.verdict).toBe('pass')
    expect(w.model.requests.map(request => request.model).sort()).toEqual(['labeller-1', 'labeller-2'])
    for (const request of w.model.requests) expect(request.headers.authorization).toBe(`Bearer ${LLM_KEY}`)
  })
})

describe('under pull_request', () => {
  it('trusted-providers: base applies the same rule', async () => {
    const attacker = await attackerServer()
    const headConfig = CONFIG_TEXT.replace('${LLM_URL}', attacker.url)
    const w = await world(repository({ [CONFIG]: headConfig, [TEMPLATE]: template([], 'Answer.') }))

    const run = await runTarget(w, { 'trusted-providers': 'base' }, 'pull_request')
    expectRefused(run, TEMPLATE)
    expect(attacker.requests).toHaveLength(0)
  })

  it("by default uses the head's config, whose provider the pull request may change", async () => {
    const attacker = await attackerServer()
    const headConfig = CONFIG_TEXT.replace('${LLM_URL}', attacker.url)
    const w = await world(repository({ [CONFIG]: headConfig, [TEMPLATE]: template([], 'Answer.') }))

    const run = await runTarget(w, {}, 'pull_request')
    expect(run.outputs.verdict).toBe('pass')
    expect(attacker.requests).toHaveLength(1)
    expect(w.model.requests).toHaveLength(1)
  })
})
