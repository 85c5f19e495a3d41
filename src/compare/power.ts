import { formatNumber } from './format.js'
import { smallestPValue, worseCasesNeeded } from './significance.js'

export interface PowerCheck {
  underpowered: boolean
  reason?: string
}

/**
 * How many of `cases` paired cases can get worse in the most extreme outcome whose drop is (the
 * smallest achievable one at least) `drop`. `step` is the smallest change of one case's value:
 * 1/runs for a pass rate, 0 for a score (taken as continuous, so a drop can spread over every
 * case). A drop of 0 stands for any drop: then every case may get worse.
 */
export function mostWorseCases(cases: number, drop: number, step: number): number {
  if (drop <= 0 || step <= 0) return cases
  // The tolerance keeps 0.05 * 100 / 1 from rounding up to 6.
  return Math.min(cases, Math.ceil((drop * cases) / step - 1e-9))
}

/** The fewest paired cases with which a drop of `drop` could reach p < alpha. */
export function casesNeeded(drop: number, alpha: number, step: number): number {
  const needed = worseCasesNeeded(alpha)
  // mostWorseCases grows with the case count: start just below the closed-form answer.
  let cases = drop <= 0 || step <= 0 ? needed : Math.max(needed, Math.floor(((needed - 1) * step) / drop))
  while (mostWorseCases(cases, drop, step) < needed) cases += 1
  return cases
}

/**
 * Whether a `max_drop` threshold gated on significance can flag the drop it is meant to catch:
 * underpowered when even the most extreme outcome with this many cases (every case that can get
 * worse does, none gets better) gives p ≥ alpha, so such a drop could never count.
 */
export function checkPower(cases: number, maxDrop: number, alpha: number, step: number): PowerCheck {
  if (smallestPValue(mostWorseCases(cases, maxDrop, step)) < alpha) return { underpowered: false }
  const drop = maxDrop > 0 ? `a drop of ${formatNumber(maxDrop)}` : 'any drop'
  const needed = casesNeeded(maxDrop, alpha, step)
  return {
    underpowered: true,
    reason: `too few cases (${cases}) to detect ${drop} at p < ${alpha}; at least ${needed} needed`
  }
}
