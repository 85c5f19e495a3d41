import { describe, expect, it } from '@jest/globals'
import { runAssertion } from '../../../src/assertions/index.js'
import {
  llmRubric,
  parseVerdict,
  RUBRIC_SYSTEM_PROMPT,
  rubricOutcome
} from '../../../src/assertions/llm-rubric.js'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import { errorMessage, isUserError } from '../../../src/errors.js'
import { contextFor, fakeJudge } from './fake-judge.js'

function spec(fields: Partial<AssertionSpec> = {}): AssertionSpec {
  return { type: 'llm-rubric', value: 'Is polite to {{name}}', ...fields }
}

async function rejection(promise: unknown): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('llm-rubric: the request', () => {
  it('sends the grading instructions, then the output and the templated rubric, to the default judge', async () => {
    const judge = fakeJudge('{"reason": "ok", "pass": true, "score": 1}')
    await llmRubric(spec(), contextFor('Hello {{name}}, Ada!', { vars: { name: 'Ada' }, judge }))

    expect(judge.requests).toEqual([
      {
        messages: [
          { role: 'system', content: RUBRIC_SYSTEM_PROMPT },
          {
            role: 'user',
            content: '<output>\nHello {{name}}, Ada!\n</output>\n\n<rubric>\nIs polite to Ada\n</rubric>'
          }
        ],
        provider: undefined
      }
    ])
    expect(RUBRIC_SYSTEM_PROMPT).toMatch(/"pass"/)
    expect(RUBRIC_SYSTEM_PROMPT).toMatch(/"score"/)
    expect(RUBRIC_SYSTEM_PROMPT).toMatch(/"reason"/)
  })

  it('asks the provider the assertion names, as an id or in the normalised object form', async () => {
    const judge = fakeJudge('{"pass": true}')
    await llmRubric(spec({ provider: 'openai:gpt-4o' }), contextFor('hi', { vars: { name: 'x' }, judge }))
    await llmRubric(
      spec({ provider: { id: 'openai:judge', baseUrl: 'http://localhost:1/v1', parameters: {} } }),
      contextFor('hi', { vars: { name: 'x' }, judge })
    )
    expect(judge.requests.map(request => request.provider)).toEqual([
      { id: 'openai:gpt-4o' },
      { id: 'openai:judge', baseUrl: 'http://localhost:1/v1' }
    ])
  })

  it('rejects a provider that is not an id, naming the file', async () => {
    const error = await rejection(
      llmRubric(spec({ provider: 42 }), contextFor('hi', { vars: { name: 'x' } }))
    )
    expect(isUserError(error)).toBe(true)
    expect(errorMessage(error)).toMatch(/^prompts\/a\.prompt\.yml: .*"provider" must be a provider id/)
  })

  it('needs a rubric as its value, and names the file when it has none', async () => {
    for (const value of [undefined, '', 7]) {
      const error = await rejection(llmRubric(spec({ value }), contextFor('hi')))
      expect(isUserError(error)).toBe(true)
      expect(errorMessage(error)).toContain('prompts/a.prompt.yml')
      expect(errorMessage(error)).toContain('"llm-rubric" assertion needs a non-empty string value')
    }
  })
})

describe('llm-rubric: reading the verdict', () => {
  it('takes pass, score and reason from a bare JSON reply', () => {
    expect(rubricOutcome('{"reason": "Greets Ada by name.", "pass": true, "score": 0.9}', undefined)).toEqual(
      {
        pass: true,
        score: 0.9,
        reason: 'Greets Ada by name.'
      }
    )
  })

  it('finds the JSON in a code fence among prose', () => {
    const reply = 'Here is my grade:\n```json\n{"reason": "Rude.", "pass": false, "score": 0.1}\n```\nThanks'
    expect(rubricOutcome(reply, undefined)).toEqual({ pass: false, score: 0.1, reason: 'Rude.' })
  })

  it('skips objects without a verdict before the one that has it', () => {
    const reply = 'Output was {"name": "Ada"}. Verdict: {"pass": true, "score": 0.7}'
    expect(parseVerdict(reply)).toEqual({ pass: true, score: 0.7 })
  })

  it('scores a verdict without a score 1 or 0 from pass', () => {
    expect(parseVerdict('{"pass": true}')?.score).toBe(1)
    expect(parseVerdict('{"pass": false}')?.score).toBe(0)
  })

  it('reads "yes"/"false" strings for pass and a number in a string for score', () => {
    expect(parseVerdict('{"pass": "yes", "score": "0.8"}')).toEqual({ pass: true, score: 0.8 })
    expect(parseVerdict('{"pass": "false"}')).toEqual({ pass: false, score: 0 })
  })

  it('reads a missing pass from the score, against the threshold or else 0.5', () => {
    expect(parseVerdict('{"score": 0.6}')?.pass).toBe(true)
    expect(parseVerdict('{"score": 0.4}')?.pass).toBe(false)
    expect(parseVerdict('{"score": 0.6}', 0.7)?.pass).toBe(false)
  })

  it('clamps a score outside 0..1', () => {
    expect(parseVerdict('{"pass": true, "score": 8}')?.score).toBe(1)
    expect(parseVerdict('{"pass": false, "score": -2}')?.score).toBe(0)
  })

  it('fails, quoting the reply shortened, when the reply has no JSON verdict', () => {
    const reply = `I think it is fine. ${'blah '.repeat(100)}`
    const outcome = rubricOutcome(reply, undefined)
    expect(outcome.pass).toBe(false)
    expect(outcome.score).toBe(0)
    expect(outcome.reason).toContain('no JSON verdict')
    expect(outcome.reason).toContain('"I think it is fine. blah')
    expect(outcome.reason!.length).toBeLessThan(320)
    expect(outcome.reason).toContain('…')
  })

  it('fails on an empty reply or an object with neither pass nor score', () => {
    expect(rubricOutcome('  ', undefined)).toMatchObject({ pass: false, score: 0 })
    expect(rubricOutcome('  ', undefined).reason).toContain('an empty reply')
    expect(rubricOutcome('{"reason": "looks good"}', undefined).pass).toBe(false)
  })

  it('does not throw on a malformed reply from the judge', async () => {
    const judge = fakeJudge('{"pass": tru')
    const outcome = await llmRubric(spec(), contextFor('hi', { vars: { name: 'x' }, judge }))
    expect(outcome.pass).toBe(false)
    expect(outcome.reason).toContain('"{"pass": tru"')
  })
})

describe('llm-rubric: threshold and negation through the registry', () => {
  async function run(reply: string, fields: Partial<AssertionSpec> = {}) {
    return runAssertion(spec(fields), contextFor('hi', { vars: { name: 'x' }, judge: fakeJudge(reply) }))
  }

  it('passes with the judge when there is no threshold', async () => {
    expect(await run('{"pass": true, "score": 0.2}')).toMatchObject({ pass: true, score: 0.2 })
  })

  it('with a threshold, needs both the verdict and the score to reach it (as promptfoo)', async () => {
    const low = await run('{"pass": true, "score": 0.6, "reason": "Mostly."}', { threshold: 0.8 })
    expect(low).toMatchObject({ pass: false, score: 0.6 })
    expect(low.reason).toBe('Mostly. (score 0.6 is below threshold 0.8)')
    expect(await run('{"pass": true, "score": 0.8}', { threshold: 0.8 })).toMatchObject({ pass: true })
    // A generic `score >= threshold` would pass this one.
    expect(await run('{"pass": false, "score": 0.9}', { threshold: 0.5 })).toMatchObject({ pass: false })
  })

  it('rejects a threshold that is not a number', async () => {
    const error = await rejection(run('{"pass": true}', { threshold: 'high' as unknown as number }))
    expect(isUserError(error)).toBe(true)
    expect(errorMessage(error)).toContain('"llm-rubric" assertion needs a numeric threshold')
  })

  it('not-llm-rubric inverts the verdict and the score', async () => {
    const result = await run('{"pass": true, "score": 0.9}', { type: 'not-llm-rubric' })
    expect(result).toMatchObject({ type: 'not-llm-rubric', pass: false })
    expect(result.score).toBeCloseTo(0.1)
    expect(await run('no json here', { type: 'not-llm-rubric' })).toMatchObject({ pass: true, score: 1 })
  })
})
