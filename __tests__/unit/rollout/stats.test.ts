import { describe, expect, it } from '@jest/globals'
import {
  binomialUpperTail,
  logGamma,
  normalUpperTail,
  ratioScoreTest,
  regularizedBeta
} from '../../../src/rollout/stats.js'

/** P(X >= k) for Binomial(n, p) summed term by term, for small n. */
function summedTail(k: number, n: number, p: number): number {
  let sum = 0
  for (let i = k; i <= n; i += 1) {
    let choose = 1
    for (let j = 0; j < i; j += 1) choose = (choose * (n - j)) / (j + 1)
    sum += choose * p ** i * (1 - p) ** (n - i)
  }
  return sum
}

describe('rollout statistics', () => {
  it('gives the standard normal tail', () => {
    expect(normalUpperTail(1.6448536)).toBeCloseTo(0.05, 6)
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6)
    expect(normalUpperTail(-1.959964)).toBeCloseTo(0.975, 6)
    expect(normalUpperTail(4)).toBeCloseTo(3.167e-5, 7)
  })

  it('gives ln Γ and the incomplete beta function', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10)
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12)
    expect(regularizedBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12)
  })

  it.each([
    [5, 20, 0.1],
    [3, 100, 0.02],
    [1, 1, 0.5],
    [12, 40, 0.25],
    [0, 10, 0.3],
    [11, 10, 0.3]
  ])('gives the exact binomial tail P(X >= %d | n = %d, p = %d)', (k, n, p) => {
    expect(binomialUpperTail(k, n, p)).toBeCloseTo(summedTail(k, n, p), 10)
  })

  it('tests a ratio of proportions at the restricted maximum-likelihood variance', () => {
    // 30 of 200 against 100 of 1000, H0: p1 <= 1.1 p2. The restricted estimate of p2 is 0.10662
    // (found by maximising the likelihood on p1 = 1.1 p2 over a grid); z from the half-event-corrected
    // difference (29.5/200 - 1.1 · 0.1) over sqrt(0.11728 · 0.88272 / 200 + 1.21 · 0.10662 · 0.89338 / 1000).
    const variance = (0.117282 * (1 - 0.117282)) / 200 + (1.21 * 0.10662 * (1 - 0.10662)) / 1000
    const z = (29.5 / 200 - 0.11) / Math.sqrt(variance)
    expect(ratioScoreTest(30, 200, 100, 1000, 1.1)).toBeCloseTo(normalUpperTail(z), 4)
    expect(ratioScoreTest(0, 100, 0, 100, 1.1)).toBe(1)
    expect(ratioScoreTest(1, 0, 1, 10, 1)).toBe(1)
    expect(ratioScoreTest(40, 100, 0, 1000, 1.1)).toBeLessThan(1e-10)
  })
})
