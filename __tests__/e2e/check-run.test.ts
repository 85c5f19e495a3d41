import { afterEach, describe, expect, it } from '@jest/globals'
import { CHATTY, INSTRUCTION_LINE, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { closeWorlds, startWorld } from '../helpers/world.js'

const TOKEN = 'ghs_e2eCheckToken0123456789'
const PROMPT = SENTIMENT_PROMPT

afterEach(closeWorlds)

function regression(options: { readOnly?: boolean } = {}) {
  return startWorld(
    { [PROMPT]: ONE_WORD },
    { [PROMPT]: CHATTY },
    { token: TOKEN, respond: sentimentModel, ...options }
  )
}

describe('check-name and upload-report', () => {
  it('creates a failing check run on the head commit, annotated on the changed line', async () => {
    const w = await regression()
    const result = await w.run({ inputs: { 'check-name': 'promptgate / prompts' } })
    expect(result.exitCode).toBe(1)
    expect(w.github.state.checkRuns).toHaveLength(1)
    const check = w.github.state.checkRuns[0]!
    expect(check).toMatchObject({
      name: 'promptgate / prompts',
      head_sha: w.repo.headSha,
      status: 'completed',
      conclusion: 'failure',
      details_url: 'https://github.com/Codertocat/Hello-World/actions/runs/4242'
    })
    expect(check.output.title).toBe('Regression in 1 of 1 prompt')
    expect(check.output.summary).toContain('[!CAUTION]')
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: PROMPT, start_line: INSTRUCTION_LINE, annotation_level: 'failure' })
    ])
    expect(check.annotations[0]!.message).toMatch(/^pass_rate dropped 1\.00/)
    expect(w.github.unhandled()).toEqual([])
  })

  it('warns, and still gates, when the token may not write checks', async () => {
    const w = await regression({ readOnly: true })
    const result = await w.run({ inputs: { 'check-name': 'promptgate' } })
    expect(result.exitCode).toBe(1)
    expect(w.github.state.checkRuns).toEqual([])
    expect(result.annotations.some(a => a.level === 'warning' && /checks: write/.test(a.message))).toBe(true)
  })

  it('creates no check run without check-name', async () => {
    const w = await regression()
    await w.run()
    expect(w.github.state.checkRuns).toEqual([])
  })

  it('gives a notice, not an error, when the Actions runtime for artifacts is missing', async () => {
    const w = await regression()
    const result = await w.run({ inputs: { 'upload-report': 'true' } })
    expect(result.exitCode).toBe(1)
    const notices = result.annotations.filter(a => a.level === 'notice')
    expect(notices.map(n => n.message).join()).toMatch(
      /ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set/
    )
    expect(result.annotations.filter(a => a.level === 'error')).toHaveLength(1)
  })

  it('warns when the artifact service cannot be reached', async () => {
    const w = await regression()
    const result = await w.run({
      inputs: { 'upload-report': 'true' },
      env: { ACTIONS_RUNTIME_TOKEN: 'not.a.jwt', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' }
    })
    expect(result.exitCode).toBe(1)
    expect(
      result.annotations.some(
        a => a.level === 'warning' && /Could not upload the JSON report/.test(a.message)
      )
    ).toBe(true)
  })
})
