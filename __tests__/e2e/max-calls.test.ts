import { afterEach, describe, expect, it } from '@jest/globals'
import { defaultInputs } from '../helpers/run-action.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { closeWorlds, startWorld } from '../helpers/world.js'

const TOKEN = 'ghs_e2eMaxCallsToken0123456789'
const CONFIG = '.github/promptgate.yml'

afterEach(closeWorlds)

const errors = (run: { annotations: { level: string; properties: string; message: string }[] }) =>
  run.annotations.filter(annotation => annotation.level === 'error')

describe('the max-calls budget of the action', () => {
  it('defaults to 2000 in action.yml', () => {
    expect(defaultInputs(TOKEN)['INPUT_MAX-CALLS']).toBe('2000')
  })

  it('fails a plan over the max-calls input before the first model call, saying what it needs and where to raise it', async () => {
    // 3 testData rows x 2 sides = 6 calls.
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY },
      {
        token: TOKEN,
        respond: sentimentModel
      }
    )
    const run = await w.run({ inputs: { 'max-calls': '5' } })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    expect(w.model.requests).toHaveLength(0)
    expect(errors(run)).toHaveLength(1)
    expect(errors(run)[0]?.message).toMatch(
      /this run's plan needs 6 model calls \(6 outputs and 0 judge calls\), more than the 5 that the max-calls input allows, so no call was made\. Raise the max-calls input/
    )
  })

  it('runs a plan that fits', async () => {
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY },
      {
        token: TOKEN,
        respond: sentimentModel
      }
    )
    const run = await w.run({ inputs: { 'max-calls': '6' } })
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.model.requests).toHaveLength(6)
  })

  it('refuses a max-calls input that is not a whole number', async () => {
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY },
      { token: TOKEN }
    )
    const run = await w.run({ inputs: { 'max-calls': 'lots' } })
    expect(run.exitCode).toBe(1)
    expect(errors(run)[0]?.message).toBe(
      'input "max-calls" must be a whole number of 1 or more, not "lots"; fix it in the workflow\'s "with:" block'
    )
    expect(w.model.requests).toHaveLength(0)
  })

  it("under pull_request_target the base config's max_calls holds: a pull request cannot raise it", async () => {
    const w = await startWorld(
      { [CONFIG]: 'version: 1\nmax_calls: 4\n', [SENTIMENT_PROMPT]: ONE_WORD },
      { [CONFIG]: 'version: 1\nmax_calls: 100000\n', [SENTIMENT_PROMPT]: CHATTY },
      { token: TOKEN, respond: sentimentModel }
    )
    const run = await w.run({ eventName: 'pull_request_target' })

    expect(run.exitCode).toBe(1)
    expect(w.model.requests).toHaveLength(0)
    expect(errors(run)[0]?.properties).toContain(`file=${CONFIG},line=2`)
    expect(errors(run)[0]?.message).toMatch(
      /needs 6 model calls .* the 4 that max_calls in \.github\/promptgate\.yml allows/
    )
  })

  it("the max-calls input wins when it is lower than the config's max_calls", async () => {
    const tree = { [CONFIG]: 'version: 1\nmax_calls: 100\n' }
    const w = await startWorld(
      { ...tree, [SENTIMENT_PROMPT]: ONE_WORD },
      { ...tree, [SENTIMENT_PROMPT]: CHATTY },
      { token: TOKEN, respond: sentimentModel }
    )
    const run = await w.run({ inputs: { 'max-calls': '3' } })
    expect(w.model.requests).toHaveLength(0)
    expect(errors(run)[0]?.message).toMatch(/more than the 3 that the max-calls input allows/)
  })
})
