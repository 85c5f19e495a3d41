import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createScheduler, DEFAULT_CONCURRENCY } from '../../../src/eval/scheduler.js'

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('createScheduler', () => {
  it('never runs more tasks at once than its concurrency, and uses all of it', async () => {
    const scheduler = createScheduler(3)
    let running = 0
    let most = 0
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        scheduler.run(async () => {
          running += 1
          most = Math.max(most, running)
          await pause(10)
          running -= 1
          return index
        })
      )
    )
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(most).toBe(3)
    expect(scheduler.maxInFlight).toBe(3)
    expect(scheduler.calls).toBe(10)
  })

  it('runs 8 at once by default', async () => {
    const scheduler = createScheduler()
    expect(scheduler.concurrency).toBe(DEFAULT_CONCURRENCY)
    await Promise.all(Array.from({ length: 20 }, () => scheduler.run(() => pause(5))))
    expect(scheduler.maxInFlight).toBe(8)
  })

  it('frees the slot of a failed task', async () => {
    const scheduler = createScheduler(1)
    await expect(scheduler.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(scheduler.run(async () => 'next')).resolves.toBe('next')
  })

  it('rejects waiting tasks when cancelled, and lets running ones finish', async () => {
    const scheduler = createScheduler(1)
    const running = scheduler.run(() => pause(20).then(() => 'done'))
    const waiting = expect(scheduler.run(async () => 'never')).rejects.toThrow('aborted')
    scheduler.cancelWaiting()
    await expect(running).resolves.toBe('done')
    await waiting
    expect(scheduler.calls).toBe(1)
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses concurrency %p', concurrency => {
    expect(() => createScheduler(concurrency)).toThrow(UserError)
  })
})
