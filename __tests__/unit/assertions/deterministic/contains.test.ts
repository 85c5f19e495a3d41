import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('contains and icontains', () => {
  it('finds a substring, case-sensitively for contains', async () => {
    expect(await check({ type: 'contains', value: 'world' }, 'Hello world')).toMatchObject({
      pass: true,
      score: 1
    })
    const miss = await check({ type: 'contains', value: 'World' }, 'Hello world')
    expect(miss).toMatchObject({ pass: false, score: 0 })
    expect(miss.reason).toContain('"World"')
  })

  it('ignores case for icontains, beyond ASCII too', async () => {
    expect((await check({ type: 'icontains', value: 'WORLD' }, 'Hello world')).pass).toBe(true)
    expect((await check({ type: 'icontains', value: 'ÉTÉ' }, "l'été")).pass).toBe(true)
  })

  it('compares a number value as its text', async () => {
    expect((await check({ type: 'contains', value: 42 }, 'the answer is 42')).pass).toBe(true)
    expect((await check({ type: 'contains', value: 42 }, 'the answer is 4 2')).pass).toBe(false)
  })

  it("fills the value's placeholders from the case's vars", async () => {
    const spec = { type: 'icontains', value: '{{expected}}' }
    expect((await check(spec, 'It is PARIS.', { vars: { expected: 'paris' } })).pass).toBe(true)
    expect((await check(spec, 'It is Rome.', { vars: { expected: 'paris' } })).pass).toBe(false)
  })

  it('does not fall back to the expected answer when the value is missing (promptfoo does not either)', async () => {
    await expect(check({ type: 'contains' }, 'Paris', { expected: 'Paris' })).rejects.toThrow(UserError)
  })

  it('reports a placeholder without a var as a user error naming the file', async () => {
    const failure = check({ type: 'contains', value: '{{missing}}' }, 'x')
    await expect(failure).rejects.toThrow(UserError)
    await expect(failure).rejects.toMatchObject({ file: 'evals/suite.yml' })
  })

  it('rejects an empty value and fails on empty output', async () => {
    await expect(check({ type: 'contains', value: '' }, 'x')).rejects.toThrow(UserError)
    expect((await check({ type: 'contains', value: 'x' }, '')).pass).toBe(false)
  })
})

describe('contains-any and icontains-any', () => {
  it('splits a comma-separated value, keeping quoted commas in one item', async () => {
    const spec = { type: 'contains-any', value: 'red, "green, light", blue' }
    expect((await check(spec, 'I like green, light')).pass).toBe(true)
    expect((await check(spec, 'I like green')).pass).toBe(false)
    expect((await check(spec, 'blue sky')).pass).toBe(true)
  })

  it('takes a list and templates the strings in it', async () => {
    const spec = { type: 'icontains-any', value: ['{{city}}', 'unknown'] }
    expect((await check(spec, 'ROME it is', { vars: { city: 'rome' } })).pass).toBe(true)
    expect((await check(spec, 'Paris it is', { vars: { city: 'rome' } })).pass).toBe(false)
  })

  it('fails with an empty list, as promptfoo does', async () => {
    expect((await check({ type: 'contains-any', value: [] }, 'anything')).pass).toBe(false)
  })

  it('rejects a value that is neither a list nor text, and a malformed quoted item', async () => {
    await expect(check({ type: 'contains-any', value: 5 }, 'x')).rejects.toThrow(UserError)
    await expect(check({ type: 'contains-any', value: '"open, b' }, 'x')).rejects.toThrow(/no closing quote/)
  })
})

describe('contains-all and icontains-all', () => {
  it('needs every item and names the missing ones', async () => {
    expect((await check({ type: 'contains-all', value: ['alpha', 'beta'] }, 'alpha and beta')).pass).toBe(
      true
    )
    const miss = await check({ type: 'contains-all', value: 'alpha,beta,,gamma' }, 'alpha and beta')
    expect(miss).toMatchObject({ pass: false, score: 0 })
    expect(miss.reason).toContain('"gamma"')
    expect(miss.reason).not.toContain('"alpha"')
  })

  it('ignores case for icontains-all', async () => {
    expect((await check({ type: 'icontains-all', value: 'Alpha, BETA' }, 'alpha and beta')).pass).toBe(true)
    expect((await check({ type: 'contains-all', value: 'Alpha, BETA' }, 'alpha and beta')).pass).toBe(false)
  })

  it('passes with an empty list, as promptfoo does', async () => {
    expect((await check({ type: 'contains-all', value: [] }, '')).pass).toBe(true)
  })
})
