import { describe, expect, it } from '@jest/globals'
import {
  binomialHalfCdf,
  mcnemarExact,
  signTestWorse,
  smallestPValue,
  wilsonInterval,
  worseCasesNeeded
} from '../../../src/compare/significance.js'

/** C(n, i) exactly. */
function choose(n: number, i: number): bigint {
  let result = 1n
  for (let j = 1; j <= i; j += 1) result = (result * BigInt(n - i + j)) / BigInt(j)
  return result
}

/** P(X ≤ k) for X ~ Bin(n, 1/2) by exact rational arithmetic, rounded once to a float at the end. */
function exactCdf(k: number, n: number): number {
  let numerator = 0n
  for (let i = 0; i <= Math.min(k, n); i += 1) numerator += choose(n, i)
  // numerator / 2^n with 64 significant bits of the numerator kept, however small the ratio.
  const shift = 64 - numerator.toString(2).length
  const top = shift >= 0 ? numerator << BigInt(shift) : numerator >> BigInt(-shift)
  return Number(top) / 2 ** (shift + n)
}

describe('binomialHalfCdf', () => {
  it('matches small cases counted by hand', () => {
    expect(binomialHalfCdf(0, 5)).toBe(1 / 32)
    // (1 + 10 + 45) / 1024
    expect(binomialHalfCdf(2, 10)).toBeCloseTo(56 / 1024, 15)
    // (1 + 20 + 190) / 2^20
    expect(binomialHalfCdf(2, 20)).toBeCloseTo(211 / 1_048_576, 15)
  })

  it('agrees with exact rational sums, both tails and at large n', () => {
    for (const [k, n] of [
      [3, 15],
      [7, 15],
      [12, 30],
      [25, 30],
      [40, 100],
      [50, 100],
      [900, 2000],
      [1000, 2000]
    ] as const) {
      const exact = exactCdf(k, n)
      expect(Math.abs(binomialHalfCdf(k, n) - exact)).toBeLessThan(1e-12 * Math.max(exact, 1e-300) + 1e-15)
    }
  })

  it('keeps tiny tails where 2^-n underflows', () => {
    // P(X ≤ 0) for n = 1100 is 2^-1100, below the smallest double: 0 is the right float.
    expect(binomialHalfCdf(0, 1100)).toBe(0)
    // P(X ≤ 400) for n = 1100 is about 1.2e-20 (exact sum), far above underflow.
    const exact = exactCdf(400, 1100)
    expect(exact).toBeGreaterThan(1e-21)
    expect(Math.abs(binomialHalfCdf(400, 1100) - exact) / exact).toBeLessThan(1e-10)
  })

  it('is 0 below the support and 1 at or above n', () => {
    expect(binomialHalfCdf(-1, 4)).toBe(0)
    expect(binomialHalfCdf(4, 4)).toBe(1)
    expect(binomialHalfCdf(0, 0)).toBe(1)
  })

  it('rejects non-counts', () => {
    expect(() => binomialHalfCdf(1.5, 4)).toThrow(RangeError)
    expect(() => binomialHalfCdf(1, -1)).toThrow(RangeError)
  })
})

describe('mcnemarExact (two-sided)', () => {
  it.each([
    // b, c, p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, 1/2), each worked out as a fraction
    [0, 5, 2 * (1 / 32)], // 0.0625
    [1, 9, 2 * ((1 + 10) / 1024)], // 0.021484375
    [2, 8, 2 * ((1 + 10 + 45) / 1024)], // 0.109375
    [3, 12, 2 * ((1 + 15 + 105 + 455) / 32_768)], // 0.03515625
    [9, 1, 2 * ((1 + 10) / 1024)] // symmetric in b and c
  ])('b = %i, c = %i gives %f', (b, c, expected) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(expected, 14)
  })

  it('is 1 without discordant pairs or with a balanced split', () => {
    expect(mcnemarExact(0, 0)).toBe(1)
    expect(mcnemarExact(5, 5)).toBe(1)
    expect(mcnemarExact(0, 1)).toBe(1)
  })

  it('matches the textbook values 0.0625 and 0.0215', () => {
    expect(mcnemarExact(0, 5)).toBe(0.0625)
    expect(mcnemarExact(1, 9).toFixed(4)).toBe('0.0215')
  })
})

describe('signTestWorse (one-sided: head is worse)', () => {
  it('is P(X ≥ worse) with X ~ Bin(worse + better, 1/2)', () => {
    // 9 worse, 1 better: P(X ≥ 9) = (C(10,9) + C(10,10)) / 1024 = 11/1024
    expect(signTestWorse(9, 1)).toBeCloseTo(11 / 1024, 15)
    // 5 worse, none better: 2^-5
    expect(signTestWorse(5, 0)).toBe(1 / 32)
    // 3 worse, 2 better: P(X ≥ 3) for n = 5 = (10 + 5 + 1) / 32
    expect(signTestWorse(3, 2)).toBeCloseTo(16 / 32, 15)
  })

  it('is half the two-sided McNemar p when head is worse, and near 1 when it is better', () => {
    expect(signTestWorse(9, 1)).toBeCloseTo(mcnemarExact(1, 9) / 2, 15)
    // 1 worse, 9 better: P(X ≥ 1) = 1 - 2^-10
    expect(signTestWorse(1, 9)).toBeCloseTo(1 - 1 / 1024, 15)
  })

  it('is 1 with no non-tied cases', () => {
    expect(signTestWorse(0, 0)).toBe(1)
  })
})

describe('wilsonInterval (95%)', () => {
  it.each([
    // Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3 (score)
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718]
  ])('%i of %i is [%f, %f]', (successes, n, low, high) => {
    const interval = wilsonInterval(successes, n)
    expect(interval.low).toBeCloseTo(low, 4)
    expect(interval.high).toBeCloseTo(high, 4)
  })

  it('pins the ends at 0 and 1 exactly', () => {
    expect(wilsonInterval(0, 10).low).toBe(0)
    expect(wilsonInterval(10, 10).high).toBe(1)
    // n/(n + z²) for all successes: 10 / (10 + 1.96²) = 0.7225
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4)
  })

  it('accepts fractional successes (a sum of per-case pass rates)', () => {
    const interval = wilsonInterval(7.5, 10)
    expect(interval.low).toBeLessThan(0.75)
    expect(interval.high).toBeGreaterThan(0.75)
    expect(wilsonInterval(7.5, 10).low).toBeGreaterThan(wilsonInterval(7, 10).low)
  })

  it('is the whole range without cases', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 })
  })
})

describe('smallestPValue and worseCasesNeeded', () => {
  it('needs 5 all-worse cases for p < 0.05 and 7 for p < 0.01', () => {
    // 2^-4 = 0.0625 ≥ 0.05 > 2^-5 = 0.03125; 2^-6 = 0.0156 ≥ 0.01 > 2^-7 = 0.0078
    expect(worseCasesNeeded(0.05)).toBe(5)
    expect(worseCasesNeeded(0.01)).toBe(7)
    expect(smallestPValue(5)).toBe(0.03125)
  })

  it('needs strictly below alpha: at alpha = 2^-4, four cases are not enough', () => {
    expect(worseCasesNeeded(0.0625)).toBe(5)
  })
})
