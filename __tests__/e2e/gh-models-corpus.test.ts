import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../helpers/fake-openai.js'
import { createTwoCommitRepo, type TwoCommitRepo } from '../helpers/git-repo.js'
import { runCli, type CliRun } from '../helpers/run-cli.js'

/** The corpus: prompt files written for these tests, each with its expected per-row verdicts beside it. */
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'gh-models-corpus')
const TOKEN = 'ghp_e2eCorpusToken0123456789'

interface Expected {
  nothing?: boolean
  rows: { passed: boolean; evaluators: Record<string, boolean> }[]
  details?: Record<string, string>
  warnings: string[]
}

interface GhModelsRow {
  testCase: Record<string, unknown>
  modelResponse: string
  evaluationResults: { evaluatorName: string; score: number; passed: boolean; details?: string }[]
}

interface GhModelsFile {
  file: string
  model: string
  testResults: GhModelsRow[]
  summary: { totalTests: number; passedTests: number; failedTests: number; passRate: number }
}

const names = readdirSync(CORPUS)
  .filter(name => name.endsWith('.prompt.yml'))
  .sort()
const expectedOf = (name: string): Expected =>
  JSON.parse(readFileSync(join(CORPUS, name.replace('.prompt.yml', '.expected.json')), 'utf8')) as Expected

/**
 * A prompt is answered with the text between `REPLY[[` and `]]`; a judge (the built-ins' openai/gpt-4o,
 * or a `judge/*` model) with the last `SAY{...}` it is shown, which is in the completion it judges.
 */
function respond(request: FakeRequest): string {
  const text = request.messages.map(message => message.content).join('\n')
  if (request.model === 'openai/gpt-4o' || request.model.startsWith('judge/')) {
    return [...text.matchAll(/SAY\{([^}]*)\}/g)].at(-1)?.[1] ?? 'no idea'
  }
  return /REPLY\[\[([\s\S]*?)\]\]/.exec(text)?.[1] ?? text
}

let repo: TwoCommitRepo
let model: FakeOpenAI
let run: CliRun
let files: GhModelsFile[]

beforeAll(async () => {
  const head = Object.fromEntries(
    names.map(name => [`prompts/${name}`, readFileSync(join(CORPUS, name), 'utf8')])
  )
  repo = createTwoCommitRepo({ 'README.md': 'corpus\n' }, { 'README.md': 'corpus\n', ...head })
  model = await startFakeOpenAI({ respond })
  run = await runCli(
    [
      '--repo',
      repo.dir,
      '--base',
      repo.baseSha,
      '--head',
      repo.headSha,
      '--models-endpoint',
      model.url,
      '--models-token',
      TOKEN,
      '--format',
      'gh-models-json',
      '--report',
      'report.json'
    ],
    { HOME: repo.dir },
    repo.dir
  )
  files = JSON.parse(run.stdout) as GhModelsFile[]
}, 60_000)

afterAll(async () => {
  await model?.close()
  repo?.remove()
})

describe('the gh models eval corpus, run through dist/cli.js', () => {
  it('has at least 15 prompt files, each with its expected verdicts', () => {
    expect(names.length).toBeGreaterThanOrEqual(15)
    for (const name of names) expect(expectedOf(name).rows).toBeDefined()
  })

  it('finishes without an error and prints one gh-models-json entry per file with something to evaluate', () => {
    expect(run.stderr).not.toMatch(/verdict error/)
    expect(run.code).not.toBe(2)
    const evaluated = names.filter(name => !expectedOf(name).nothing).map(name => `prompts/${name}`)
    expect(files.map(file => file.file).sort()).toEqual(evaluated.sort())
  })

  it.each(names)('%s gets the row verdicts gh models eval gives', name => {
    const expected = expectedOf(name)
    if (expected.nothing) {
      expect(files.find(file => file.file === `prompts/${name}`)).toBeUndefined()
      return
    }
    const file = files.find(entry => entry.file === `prompts/${name}`)!
    const got = file.testResults.map(row => ({
      passed: row.evaluationResults.every(result => result.passed),
      evaluators: Object.fromEntries(
        row.evaluationResults.map(result => [result.evaluatorName, result.passed])
      )
    }))
    expect(got).toEqual(expected.rows)
    const passed = expected.rows.filter(row => row.passed).length
    expect(file.summary).toEqual({
      totalTests: expected.rows.length,
      passedTests: passed,
      failedTests: expected.rows.length - passed,
      passRate: (passed / expected.rows.length) * 100
    })
    for (const [evaluator, details] of Object.entries(expected.details ?? {})) {
      for (const row of file.testResults) {
        expect(row.evaluationResults.find(result => result.evaluatorName === evaluator)?.details).toContain(
          details
        )
      }
    }
  })

  it.each(names)('%s warns about exactly what it should, at its line', name => {
    const warnings = run.stderr
      .split('\n')
      .filter(line => line.startsWith(`promptgate: warning: prompts/${name}`))
    const expected = expectedOf(name).warnings
    expect(warnings).toHaveLength(expected.length)
    for (const text of expected) expect(warnings.some(line => line.includes(`prompts/${text}`))).toBe(true)
  })

  it("writes the same rows into the JSON report's gh_models section", () => {
    const report = JSON.parse(readFileSync(join(repo.dir, 'report.json'), 'utf8')) as {
      gh_models: GhModelsFile[]
    }
    const strip = (entries: GhModelsFile[]) =>
      entries
        .map(({ file, testResults, summary }) => ({ file, testResults, summary }))
        .sort((a, b) => a.file.localeCompare(b.file))
    expect(strip(report.gh_models)).toEqual(strip(files))
    expect(files.find(file => file.file === 'prompts/unknown-keys.prompt.yml')).toMatchObject({
      name: 'Support greeting',
      model: 'openai/gpt-4o-mini'
    })
  })

  it('sends lists and maps as JSON, trims the completion the judge sees, and judges built-ins with openai/gpt-4o', () => {
    const bodies = model.requests.map(request => JSON.stringify(request.messages))
    expect(bodies.some(body => body.includes('Customer: {\\"name\\":\\"Ada\\",\\"tier\\":\\"gold\\"}'))).toBe(
      true
    )
    expect(bodies.some(body => body.includes('Basket: [\\"pen\\",\\"ink\\",\\"paper\\"]'))).toBe(true)
    expect(bodies.some(body => body.includes('<<Thank you, but I must decline. SAY{YES}>>'))).toBe(true)
    const judges = model.requests.filter(request => request.model === 'openai/gpt-4o')
    // similarity 3 + coherence 2 + fluency 2 + relevance 2 + groundedness 2; two-kinds' uses is not run.
    expect(judges).toHaveLength(11)
    expect(
      model.requests.some(request => JSON.stringify(request.messages).includes('acme/tone-checker'))
    ).toBe(false)
  })

  it('sends the JSON schema as the response format, and empty or scalar content as text', () => {
    const schema = model.requests.find(request => request.body.response_format?.type === 'json_schema')
    expect(schema?.body.response_format.json_schema).toMatchObject({ name: 'sentiment', strict: true })
    const empty = model.requests.find(request =>
      request.messages.some(message => message.content.includes('REPLY[[   OK  ]]'))
    )
    expect(empty?.messages.map(message => message.content)).toEqual(['', '', '7', 'REPLY[[   OK  ]]'])
  })
})

describe('promptgate --format', () => {
  it('rejects a format it does not know, with one line and exit 2, before reading the repository', async () => {
    const rejected = await runCli(['--repo', '/nonexistent', '--format', 'xml'], {})
    expect(rejected.code).toBe(2)
    expect(rejected.stderr.trim()).toBe('promptgate: --format takes markdown or gh-models-json, not "xml"')
  })
})
