import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('equals', () => {
  it('compares strings exactly', async () => {
    expect(await check({ type: 'equals', value: 'Paris' }, 'Paris')).toMatchObject({ pass: true, score: 1 })
    expect(await check({ type: 'equals', value: 'Paris' }, 'Paris ')).toMatchObject({ pass: false, score: 0 })
    expect((await check({ type: 'equals', value: 'Paris' }, 'paris')).pass).toBe(false)
  })

  it('compares a number value as text', async () => {
    expect((await check({ type: 'equals', value: 5 }, '5')).pass).toBe(true)
    expect((await check({ type: 'equals', value: 5 }, '5.0')).pass).toBe(false)
  })

  it('deep-compares an object value with the output parsed as JSON, whatever the key order', async () => {
    const spec = { type: 'equals', value: { city: 'Paris', tags: ['a', 'b'] } }
    expect((await check(spec, ' {"tags": ["a", "b"], "city": "Paris"} ')).pass).toBe(true)
    expect((await check(spec, '{"tags": ["b", "a"], "city": "Paris"}')).pass).toBe(false)
    expect((await check(spec, '{"tags": ["a", "b"], "city": "Paris", "extra": 1}')).pass).toBe(false)
  })

  it('fails an object value against output that is not JSON', async () => {
    const outcome = await check({ type: 'equals', value: { city: 'Paris' } }, 'Paris')
    expect(outcome).toMatchObject({ pass: false, score: 0 })
    expect(outcome.reason).toContain('the JSON {"city":"Paris"}')
  })

  it('deep-compares a list value too', async () => {
    expect((await check({ type: 'equals', value: [1, 2] }, '[1,2]')).pass).toBe(true)
    expect((await check({ type: 'equals', value: [1, 2] }, '[1,2,3]')).pass).toBe(false)
  })

  it('templates a string value', async () => {
    const spec = { type: 'equals', value: 'Hello, {{name}}!' }
    expect((await check(spec, 'Hello, Ada!', { vars: { name: 'Ada' } })).pass).toBe(true)
  })

  it('matches empty output against an empty value, and needs a value', async () => {
    expect((await check({ type: 'equals', value: '' }, '')).pass).toBe(true)
    await expect(check({ type: 'equals' }, 'x', { expected: 'x' })).rejects.toThrow(UserError)
  })
})
