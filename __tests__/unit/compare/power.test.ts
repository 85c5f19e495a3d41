import { describe, expect, it } from '@jest/globals'
import { casesNeeded, checkPower, mostWorseCases } from '../../../src/compare/power.js'

describe('mostWorseCases', () => {
  it('lets every case get worse for any drop (max_drop 0) or a continuous score', () => {
    expect(mostWorseCases(12, 0, 1)).toBe(12)
    expect(mostWorseCases(12, 0.1, 0)).toBe(12)
  })

  it('counts the flips a pass/fail drop of max_drop takes with one run per case', () => {
    // A drop of 0.05 over 100 cases is 5 cases passing on base and failing on head.
    expect(mostWorseCases(100, 0.05, 1)).toBe(5)
    // 0.07 of 20 cases is 1.4 cases: the smallest drop at least that large takes 2.
    expect(mostWorseCases(20, 0.07, 1)).toBe(2)
  })

  it('spreads the drop over more cases when runs make finer steps, up to every case', () => {
    // 5 runs per case: one case can drop by 1/5, so a 0.05 drop over 20 cases spans 5 cases.
    expect(mostWorseCases(20, 0.05, 1 / 5)).toBe(5)
    expect(mostWorseCases(4, 0.5, 1 / 5)).toBe(4)
  })
})

describe('casesNeeded', () => {
  it('is 5 paired cases for any drop at 0.05 (2^-5 = 0.031 < 0.05 ≤ 2^-4)', () => {
    expect(casesNeeded(0, 0.05, 1)).toBe(5)
    expect(casesNeeded(0.2, 0.05, 0)).toBe(5)
  })

  it('is the first n where max_drop · n needs 5 flips', () => {
    // ceil(0.05 · 81) = 5 but ceil(0.05 · 80) = 4
    expect(casesNeeded(0.05, 0.05, 1)).toBe(81)
    // at 0.01, 7 flips: ceil(0.1 · 61) = 7 but ceil(0.1 · 60) = 6
    expect(casesNeeded(0.1, 0.01, 1)).toBe(61)
  })
})

describe('checkPower', () => {
  it('flags a threshold no outcome could break at that level, with the count needed', () => {
    expect(checkPower(4, 0, 0.05, 1)).toEqual({
      underpowered: true,
      reason: 'too few cases (4) to detect any drop at p < 0.05; at least 5 needed'
    })
    expect(checkPower(20, 0.05, 0.05, 1)).toEqual({
      underpowered: true,
      reason: 'too few cases (20) to detect a drop of 0.05 at p < 0.05; at least 81 needed'
    })
  })

  it('passes when the most extreme outcome reaches p < alpha', () => {
    expect(checkPower(5, 0, 0.05, 1)).toEqual({ underpowered: false })
    expect(checkPower(100, 0.05, 0.05, 1)).toEqual({ underpowered: false })
  })

  it('is strict at the boundary: 2^-4 is not below 0.0625', () => {
    expect(checkPower(4, 0, 0.0625, 1).underpowered).toBe(true)
  })
})
