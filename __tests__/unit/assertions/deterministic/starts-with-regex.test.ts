import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../../src/errors.js'
import {
  REGEX_TIME_LIMIT_MS,
  testWithTimeLimit
} from '../../../../src/assertions/deterministic/bounded-regex.js'
import { runAssertion } from '../../../../src/assertions/index.js'
import { check, contextFor } from './context.js'

describe('starts-with', () => {
  it('checks the very start of the output', async () => {
    expect(await check({ type: 'starts-with', value: 'Answer:' }, 'Answer: 42')).toMatchObject({
      pass: true,
      score: 1
    })
    expect(await check({ type: 'starts-with', value: 'Answer:' }, ' Answer: 42')).toMatchObject({
      pass: false,
      score: 0
    })
    expect((await check({ type: 'starts-with', value: 'x' }, '')).pass).toBe(false)
  })

  it('templates the prefix and needs one', async () => {
    expect(
      (await check({ type: 'starts-with', value: '{{p}}' }, 'Ünïcode', { vars: { p: 'Ün' } })).pass
    ).toBe(true)
    await expect(check({ type: 'starts-with', value: '' }, 'x')).rejects.toThrow(UserError)
  })
})

describe('regex', () => {
  it('matches anywhere unless anchored', async () => {
    expect((await check({ type: 'regex', value: '\\d{3}-\\d{4}' }, 'call 555-1234')).pass).toBe(true)
    const anchored = await check({ type: 'regex', value: '^\\d{3}-\\d{4}$' }, 'call 555-1234')
    expect(anchored).toMatchObject({ pass: false, score: 0 })
    expect(anchored.reason).toBe('Expected output to match /^\\d{3}-\\d{4}$/')
  })

  it('uses no flags, as promptfoo does', async () => {
    expect((await check({ type: 'regex', value: 'yes' }, 'YES')).pass).toBe(false)
    expect((await check({ type: 'regex', value: '^b' }, 'a\nb')).pass).toBe(false)
  })

  it('fails the case, not the run, on a pattern that does not compile', async () => {
    const outcome = await check({ type: 'regex', value: '({{word}}' }, 'x', { vars: { word: 'a' } })
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(outcome.reason).toMatch(/^Invalid regex pattern/)
  })

  it('stops a catastrophically backtracking pattern at its time limit and fails the case', async () => {
    const started = Date.now()
    const outcome = await check({ type: 'regex', value: '(a+)+$' }, `${'a'.repeat(40)}!`)
    expect(Date.now() - started).toBeLessThan(REGEX_TIME_LIMIT_MS + 1000)
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(outcome.reason).toMatch(/ran longer than 250 ms .* backtracks catastrophically/)
  })

  it('fails a stopped pattern under not-regex too: a timeout is no evidence of a mismatch', async () => {
    const outcome = await runAssertion(
      { type: 'not-regex', value: '(a+)+$' },
      contextFor(`${'a'.repeat(40)}!`)
    )
    expect(outcome).toMatchObject({ pass: false, score: 0, type: 'not-regex' })
    expect(outcome).not.toHaveProperty('indeterminate')
  })

  it('leaves fast patterns on long outputs alone', () => {
    expect(testWithTimeLimit(/needle/, `${'hay '.repeat(250_000)}needle`)).toBe(true)
  })

  it('matches an empty output when the pattern allows it', async () => {
    expect((await check({ type: 'regex', value: '^$' }, '')).pass).toBe(true)
  })
})
