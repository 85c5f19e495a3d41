import { afterEach, describe, expect, it } from '@jest/globals'
import { startFakeGitHub } from '../helpers/fake-github.js'
import { startFakeOpenAI } from '../helpers/fake-openai.js'
import { createTwoCommitRepo } from '../helpers/git-repo.js'
import { pullRequestPayload } from '../helpers/payloads.js'
import { runAction } from '../helpers/run-action.js'

const TOKEN = 'ghs_e2eCheckToken0123456789'
const PROMPT = 'prompts/sentiment.prompt.yml'

const promptFile = (instruction: string) => `name: Sentiment
model: openai/gpt-4o-mini
messages:
  - role: system
    content: ${instruction}
  - role: user
    content: 'Review: {{review}}'
testData:
  - review: I love it
    expected: positive
  - review: It broke on day two
    expected: negative
evaluators:
  - name: label
    string:
      equals: '{{expected}}'
`

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function regression(options: { readOnly?: boolean } = {}) {
  const repo = createTwoCommitRepo(
    { [PROMPT]: promptFile('Answer with one word.') },
    { [PROMPT]: promptFile('Be friendly and helpful.') }
  )
  const github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: repo.changedFiles(),
    contents: repo.contents(),
    labels: [],
    readOnly: options.readOnly ?? false,
    token: TOKEN
  })
  const model = await startFakeOpenAI({
    respond: ({ messages }) => {
      const text = messages.map(message => message.content).join('\n')
      const label = /love/.test(text) ? 'positive' : 'negative'
      return /one word/.test(text) ? label : `I think it is ${label}.`
    }
  })
  cleanups.push(
    () => repo.remove(),
    () => github.close(),
    () => model.close()
  )
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      payload: pullRequestPayload('opened', repo.baseSha, repo.headSha),
      workspace: repo.dir,
      githubApiUrl: github.url,
      modelsEndpoint: model.url,
      token: TOKEN,
      inputs,
      env
    })
  return { repo, github, run }
}

describe('check-name and upload-report', () => {
  it('creates a failing check run on the head commit, annotated on the changed line', async () => {
    const { repo, github, run } = await regression()
    const result = await run({ 'check-name': 'promptgate / prompts' })
    expect(result.exitCode).toBe(1)
    expect(github.state.checkRuns).toHaveLength(1)
    const check = github.state.checkRuns[0]!
    expect(check).toMatchObject({
      name: 'promptgate / prompts',
      head_sha: repo.headSha,
      status: 'completed',
      conclusion: 'failure',
      details_url: 'https://github.com/Codertocat/Hello-World/actions/runs/4242'
    })
    expect(check.output.title).toBe('Regression in 1 of 1 prompt')
    expect(check.output.summary).toContain('[!CAUTION]')
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: PROMPT, start_line: 5, annotation_level: 'failure' })
    ])
    expect(check.annotations[0]!.message).toMatch(/^pass_rate dropped 1\.00/)
    expect(github.unhandled()).toEqual([])
  })

  it('warns, and still gates, when the token may not write checks', async () => {
    const { github, run } = await regression({ readOnly: true })
    const result = await run({ 'check-name': 'promptgate' })
    expect(result.exitCode).toBe(1)
    expect(github.state.checkRuns).toEqual([])
    expect(result.annotations.some(a => a.level === 'warning' && /checks: write/.test(a.message))).toBe(true)
  })

  it('creates no check run without check-name', async () => {
    const { github, run } = await regression()
    await run({})
    expect(github.state.checkRuns).toEqual([])
  })

  it('gives a notice, not an error, when the Actions runtime for artifacts is missing', async () => {
    const { run } = await regression()
    const result = await run({ 'upload-report': 'true' })
    expect(result.exitCode).toBe(1)
    const notices = result.annotations.filter(a => a.level === 'notice')
    expect(notices.map(n => n.message).join()).toMatch(
      /ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set/
    )
    expect(result.annotations.filter(a => a.level === 'error')).toHaveLength(1)
  })

  it('warns when the artifact service cannot be reached', async () => {
    const { run } = await regression()
    const result = await run(
      { 'upload-report': 'true' },
      { ACTIONS_RUNTIME_TOKEN: 'not.a.jwt', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' }
    )
    expect(result.exitCode).toBe(1)
    expect(
      result.annotations.some(
        a => a.level === 'warning' && /Could not upload the JSON report/.test(a.message)
      )
    ).toBe(true)
  })
})
