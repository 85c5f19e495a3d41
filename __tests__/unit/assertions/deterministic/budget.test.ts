import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../../src/errors.js'
import { check } from './context.js'

describe('latency', () => {
  it('passes at or under the threshold in milliseconds', async () => {
    expect(await check({ type: 'latency', threshold: 500 }, 'x', { latencyMs: 500 })).toMatchObject({
      pass: true,
      score: 1
    })
    const slow = await check({ type: 'latency', threshold: 500 }, 'x', { latencyMs: 501 })
    expect(slow).toMatchObject({ pass: false, score: 0 })
    expect(slow.reason).toBe('Latency 501ms is greater than threshold 500ms')
  })

  it('needs a threshold and a measured latency', async () => {
    await expect(check({ type: 'latency' }, 'x', { latencyMs: 10 })).rejects.toThrow(UserError)
    await expect(check({ type: 'latency', threshold: 500 }, 'x')).rejects.toThrow(/has none/)
  })
})

describe('cost', () => {
  it('passes at or under the threshold', async () => {
    expect((await check({ type: 'cost', threshold: 0.002 }, 'x', { cost: 0.0015 })).pass).toBe(true)
    expect((await check({ type: 'cost', threshold: 0.002 }, 'x', { cost: 0.002 })).pass).toBe(true)
    expect(await check({ type: 'cost', threshold: 0.002 }, 'x', { cost: 0.01 })).toMatchObject({
      pass: false,
      score: 0
    })
    expect((await check({ type: 'cost', threshold: 0 }, 'x', { cost: 0 })).pass).toBe(true)
  })

  it('needs a threshold and a reported cost', async () => {
    await expect(check({ type: 'cost' }, 'x', { cost: 0.1 })).rejects.toThrow(UserError)
    await expect(check({ type: 'cost', threshold: 1 }, 'x')).rejects.toThrow(/does not report one/)
  })
})
