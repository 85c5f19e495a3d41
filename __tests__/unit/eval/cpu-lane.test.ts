import { describe, expect, it } from '@jest/globals'
import { createCpuLane } from '../../../src/eval/cpu-lane.js'

function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe('createCpuLane', () => {
  it('gives turns in the order they were asked for', async () => {
    const lane = createCpuLane()
    const order: number[] = []
    await Promise.all([1, 2, 3, 4].map(n => lane.turn().then(() => order.push(n))))
    expect(order).toEqual([1, 2, 3, 4])
  })

  it('lets the event loop run between two turns', async () => {
    const lane = createCpuLane()
    const order: string[] = []
    await Promise.all(
      [1, 2, 3].map(async n => {
        await lane.turn()
        order.push(`turn ${n}`)
        if (n === 1) setTimeout(() => order.push('timer'), 1)
        busy(5)
      })
    )
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(order).toEqual(['turn 1', 'timer', 'turn 2', 'turn 3'])
  })
})
