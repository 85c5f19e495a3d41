import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../../../src/rollout/durations.js'

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1h30m', 5400],
    ['2d4h', 187_200],
    ['1m30s', 90],
    ['250ms', 0.25],
    ['0s', 0]
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds)
  })

  it.each(['', '5', 'm', '1.5h', '1 h', '-5m', '30m1h', '1h1h', '5min', 'h1', '1hx'])('refuses %j', text => {
    expect(() => parseDuration(text)).toThrow(/is not a duration; write a number and a unit, e\.g\. 30s/)
  })
})

describe('formatDuration', () => {
  it('writes whole units from largest to smallest', () => {
    expect(formatDuration(5400)).toBe('1h30m')
    expect(formatDuration(45)).toBe('45s')
    expect(formatDuration(90_061)).toBe('1d1h1m1s')
    expect(formatDuration(0)).toBe('0ms')
    expect(formatDuration(1)).toBe('1s')
  })
})
