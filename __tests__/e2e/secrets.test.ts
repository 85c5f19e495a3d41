/**
 * A key that a provider reads is masked in the log and never reaches the comment, the job summary or
 * the JSON report, even when the model echoes it back, split by zero-width characters, and even when
 * its variable's name does not look like a secret's.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeRequest } from '../helpers/fake-openai.js'
import { closeWorlds, startWorld } from '../helpers/world.js'

const TOKEN = 'ghs_e2eSecretsToken0123456789'
// Underscores: markdown escaping would turn them into `\_`, which a last pass over the text would miss.
const MODEL_ACCESS = 'acc_live_9f8e7d6c5b4a3210_zz'
const CONFIG = '.github/promptgate.yml'
const PROMPT = 'prompts/echo.md'
const GOLDEN = 'evals/echo.jsonl'

const lines = (...text: string[]) => `${text.join('\n')}\n`

const config = lines(
  'version: 1',
  'provider:',
  '  id: openai:echo-1',
  '  base_url: ${LLM_URL}',
  '  api_key_env: MODEL_ACCESS',
  'suites:',
  '  - name: echo',
  '    prompts: prompts/*.md',
  `    tests: ${GOLDEN}`,
  '    assert:',
  "      - { type: icontains, value: '{{expected}}' }"
)

const golden = lines('{"vars": {"word": "alpha", "expected": "alpha"}}')

/** Echoes the bearer key it was sent, once plainly, once with zero-width characters inside it. */
function leaky(request: FakeRequest): string {
  const key = (request.headers.authorization ?? '').replace(/^Bearer /, '')
  const disguised = [...key].join('\u200B')
  const text = request.messages.map(message => message.content).join(' ')
  return /loud/.test(text) ? `alpha, my key is ${key} (${disguised}) @admin GH-12` : 'alpha'
}

afterEach(closeWorlds)

describe('secrets', () => {
  it('never leave: an echoed key from an api_key_env whose name is not secret-like', async () => {
    const base = { [CONFIG]: config, [GOLDEN]: golden, [PROMPT]: 'Say {{word}}.\n' }
    const head = { ...base, [PROMPT]: 'Say {{word}}, loud.\n' }
    const w = await startWorld(base, head, { token: TOKEN, respond: leaky })
    const run = await w.run({
      modelsEndpoint: 'http://127.0.0.1:9/unused',
      env: { LLM_URL: w.model.url, MODEL_ACCESS },
      inputs: { 'report-path': 'report.json' }
    })

    expect(w.model.requests).toHaveLength(2)
    expect(w.model.requests[0]?.headers.authorization).toBe(`Bearer ${MODEL_ACCESS}`)
    expect(run.stdout).toContain(`::add-mask::${MODEL_ACCESS}`)
    const body = w.stickyComments()[0]?.body ?? ''
    expect(body).toContain('my key is ***')
    const report = readFileSync(join(w.repo.dir, 'report.json'), 'utf8')
    const logs = `${run.stdout}${run.stderr}`.replace(/^::add-mask::.*$/gm, '')
    for (const text of [body, run.summary, report, logs]) {
      expect(text).not.toContain(MODEL_ACCESS)
      expect(text).not.toContain(MODEL_ACCESS.replace(/_/g, '\\_'))
      expect(text.replace(/[\u200B-\u200D\uFFFD]/g, '')).not.toContain(MODEL_ACCESS)
    }
    // Outside code, where GitHub would render them, the echoed mention and issue reference neither ping nor link.
    const prose = body.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/`[^`\n]*`/g, '')
    expect(body).toContain('@admin GH-12')
    expect(prose).not.toMatch(/@admin|GH-12/)
  })
})
