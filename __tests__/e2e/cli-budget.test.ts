import { afterEach, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../helpers/fake-openai.js'
import { createTwoCommitRepo, type Tree, type TwoCommitRepo } from '../helpers/git-repo.js'
import { runCli } from '../helpers/run-cli.js'

const CONFIG = '.github/promptgate.yml'
const KEY = 'sk-e2e-cli-budget-0123456789'

const lines = (...text: string[]) => `${text.join('\n')}\n`

const config = (extra: string[] = []) =>
  lines(
    'version: 1',
    'provider:',
    '  id: openai:gpt-4o-mini',
    '  base_url: ${LLM_URL}',
    '  api_key_env: LLM_KEY',
    'repeat: 2',
    ...extra,
    'suites:',
    '  - name: greet',
    '    prompts: prompts/*.md',
    '    tests:',
    '      - { vars: { name: Ada } }',
    '      - { vars: { name: Bob } }',
    '      - { vars: { name: Cy } }',
    '    assert:',
    "      - { type: icontains, value: '{{name}}' }",
    "      - { type: llm-rubric, value: 'greets the person by name' }"
  )

const prompt = (greeting: string) => lines('---', 'max_tokens: 50', '---', `${greeting}, {{name}}!`)

/** Judges pass everything; other requests are echoed (so base and head outputs differ). */
function respond(request: FakeRequest): string {
  const text = request.messages.map(message => message.content).join('\n')
  if (text.includes('<rubric>')) return '{"reason": "it greets", "pass": true, "score": 1}'
  return request.messages.at(-1)?.content ?? ''
}

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function setUp(base: Tree, head: Tree): Promise<{ repo: TwoCommitRepo; model: FakeOpenAI }> {
  const repo = createTwoCommitRepo(base, head)
  cleanups.push(() => repo.remove())
  const model = await startFakeOpenAI({ respond })
  cleanups.push(() => model.close())
  return { repo, model }
}

function cli(repo: TwoCommitRepo, model: FakeOpenAI, ...args: string[]) {
  return runCli(['--repo', repo.dir, '--base', repo.baseSha, '--head', repo.headSha, ...args], {
    HOME: repo.dir,
    LLM_URL: model.url,
    LLM_KEY: KEY
  })
}

const tree = (greeting: string, extra: string[] = []): Tree => ({
  [CONFIG]: config(extra),
  'prompts/greet.md': prompt(greeting)
})

describe('the CLI budget: --dry-run and --max-calls', () => {
  it('--dry-run prints the plan and its calls, makes no model call, and the count is what a real run makes', async () => {
    const { repo, model } = await setUp(tree('Hello'), tree('Good morning'))
    const dry = await cli(repo, model, '--dry-run')

    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(model.requests).toHaveLength(0)
    expect(dry.stdout).toContain('made no model call')
    expect(dry.stdout).toContain(
      '- prompts/greet.md (greet; prompt changed): 3 case(s) x 2 repeat(s), base and head'
    )
    // 3 cases x 2 repeats x 2 sides, and one llm-rubric judge call per output.
    expect(dry.stdout).toContain(
      'Model calls: 6 base + 6 head outputs planned; 12 made once identical ones are merged, plus 12 judge call(s): 24 in all.'
    )
    expect(dry.stdout).toContain('Cap: none')
    // gpt-4o-mini is priced ($0.15 / $0.60 per million); 50 output tokens a call from max_tokens.
    expect(dry.stdout).toMatch(
      /Estimated cost: about \$\S+ for the output calls \(an estimate: ~\d+ input tokens .* ~600 output tokens from max_tokens/
    )

    const real = await cli(repo, model)
    expect(real.code).toBe(0)
    expect(model.requests).toHaveLength(24)
  })

  it('--max-calls below the plan fails before the first call, saying what the plan needs and where to raise it', async () => {
    const { repo, model } = await setUp(tree('Hello'), tree('Good morning'))
    const run = await cli(repo, model, '--max-calls', '20')

    expect(run.code).toBe(2)
    expect(model.requests).toHaveLength(0)
    expect(run.stderr).toMatch(
      /this run's plan needs 24 model calls \(12 outputs and 12 judge calls\), more than the 20 that --max-calls allows, so no call was made\. Raise --max-calls/
    )
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it("the config's max_calls caps a run too, at its line, and the lower of the two caps applies", async () => {
    const { repo, model } = await setUp(
      tree('Hello', ['max_calls: 10']),
      tree('Good morning', ['max_calls: 10'])
    )
    const run = await cli(repo, model, '--max-calls', '100')

    expect(run.code).toBe(2)
    expect(model.requests).toHaveLength(0)
    expect(run.stderr).toMatch(
      /^promptgate: \.github\/promptgate\.yml:7: this run's plan needs 24 model calls .* the 10 that max_calls in \.github\/promptgate\.yml allows/
    )

    const dry = await cli(repo, model, '--dry-run', '--max-calls', '100')
    expect(dry.code).toBe(2)
    expect(dry.stdout).toContain(
      'Cap: 10 (max_calls in .github/promptgate.yml); this plan needs 24, so a real run would stop before its first call.'
    )
    expect(model.requests).toHaveLength(0)
  })

  it('counts calls the result cache would answer: the cap bounds the plan', async () => {
    const { repo, model } = await setUp(tree('Hello'), tree('Good morning'))
    const cache = join(repo.dir, '.cache-dir')
    expect((await cli(repo, model, '--cache', cache)).code).toBe(0)
    const made = model.requests.length
    const again = await cli(repo, model, '--cache', cache, '--max-calls', '20')
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/plan needs 24 model calls/)
    expect(model.requests).toHaveLength(made)
  })

  it('a plan within the cap runs', async () => {
    const { repo, model } = await setUp(tree('Hello'), tree('Good morning'))
    const run = await cli(repo, model, '--max-calls', '24')
    expect(run.code).toBe(0)
    expect(model.requests).toHaveLength(24)
  })
})
