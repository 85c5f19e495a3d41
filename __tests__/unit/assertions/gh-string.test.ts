import { describe, expect, it } from '@jest/globals'
import { ghString } from '../../../src/assertions/gh-string.js'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import { errorMessage } from '../../../src/errors.js'
import { contextFor } from './fake-judge.js'

function check(operator: string, value: unknown, output: string, vars: Record<string, unknown> = {}) {
  const spec: AssertionSpec = { type: 'gh-string', operator, value, metric: 'm' }
  return ghString(spec, contextFor(output, { vars }))
}

describe('gh-string', () => {
  it('equals compares exactly, case included', async () => {
    expect(await check('equals', 'Paris', 'Paris')).toEqual({
      pass: true,
      score: 1,
      reason: 'the output does equal "Paris"'
    })
    expect(await check('equals', 'Paris', 'paris')).toEqual({
      pass: false,
      score: 0,
      reason: 'the output does not equal "Paris"'
    })
    expect((await check('equals', 'Paris', 'Paris, France')).pass).toBe(false)
  })

  it('contains ignores case', async () => {
    expect((await check('contains', 'BLUE', 'The sky is blue.')).pass).toBe(true)
    expect(await check('contains', 'green', 'The sky is blue.')).toEqual({
      pass: false,
      score: 0,
      reason: 'the output does not contain "green"'
    })
  })

  it('startsWith ignores case', async () => {
    expect((await check('startsWith', 'summary -', 'Summary - a fox')).pass).toBe(true)
    expect((await check('startsWith', 'fox', 'Summary - a fox')).pass).toBe(false)
  })

  it('endsWith ignores case', async () => {
    expect((await check('endsWith', 'THE END', 'and that was the end')).pass).toBe(true)
    expect((await check('endsWith', 'start', 'and that was the end')).pass).toBe(false)
  })

  it('trims the output before comparing, but not the value', async () => {
    expect((await check('equals', 'Paris', '  Paris\n')).pass).toBe(true)
    expect((await check('startsWith', 'Summary', '\n\nSummary - x')).pass).toBe(true)
    expect((await check('endsWith', 'done.', 'all done.  \n')).pass).toBe(true)
    expect((await check('equals', ' Paris', 'Paris')).pass).toBe(false)
  })

  it("fills the value's placeholders with the row's vars", async () => {
    const outcome = await check('contains', 'about {{topic}}', 'An essay About Cats.', { topic: 'cats' })
    expect(outcome).toEqual({ pass: true, score: 1, reason: 'the output does contain "about cats"' })
  })

  it('fills {{expected}} from the case when the vars do not carry it', async () => {
    const spec: AssertionSpec = { type: 'gh-string', operator: 'equals', value: '{{expected}}' }
    const outcome = await ghString(spec, contextFor('42', { expected: '42' }))
    expect(outcome.pass).toBe(true)
  })

  it('compares a numeric value as text', async () => {
    expect((await check('equals', 42, '42')).pass).toBe(true)
  })

  it('rejects an unknown operator with a suggestion', () => {
    expect(() => check('startswith', 'a', 'a')).toThrow(
      'assertion gh-string needs "operator" to be one of contains, equals, startsWith, endsWith, not "startswith"; did you mean "startsWith"?'
    )
  })

  it('rejects a missing value and names the file', () => {
    try {
      check('contains', undefined, 'a')
      throw new Error('expected an error')
    } catch (error) {
      expect(errorMessage(error)).toBe(
        'prompts/a.prompt.yml: assertion gh-string (contains) needs a text "value" to compare the output with'
      )
    }
  })

  it('reports a placeholder without a value', () => {
    expect(() => check('contains', '{{nope}}', 'a')).toThrow('the placeholder {{nope}} has no value')
  })
})
