import type { MetricComparison, Threshold } from './types.js'
import { PASS_RATE } from './metrics.js'
import { checkPower } from './power.js'
import { signTestWorse, wilsonInterval } from './significance.js'

export type MetricStats = Pick<
  MetricComparison,
  'test' | 'pValue' | 'samples' | 'discordant' | 'interval' | 'underpowered' | 'underpoweredReason'
>

export interface PairedCounts {
  /** Cases with a value on both sides. */
  samples: number
  worse: number
  better: number
}

/** Pairs two sides' per-case values by case id; differences within `epsilon` are ties. */
export function pairCases(
  base: ReadonlyMap<string, number>,
  head: ReadonlyMap<string, number>,
  epsilon: number
): PairedCounts {
  const counts = { samples: 0, worse: 0, better: 0 }
  for (const [caseId, before] of base) {
    const after = head.get(caseId)
    if (after === undefined) continue
    counts.samples += 1
    if (after < before - epsilon) counts.worse += 1
    else if (after > before + epsilon) counts.better += 1
  }
  return counts
}

export interface MetricStatsInput {
  metric: string
  /** Per-case values (case id → value); `base` is absent when there is no base to compare with. */
  base?: ReadonlyMap<string, number>
  head?: ReadonlyMap<string, number>
  threshold?: Threshold
  /** The most runs any case had: a case's pass rate moves in steps of 1/runs. */
  runs: number
  epsilon: number
}

/**
 * The paired test, the head's Wilson interval (pass_rate) and the power check for one metric.
 * Sign test on per-case values rather than McNemar on each case's majority: it uses every run
 * (a case going from 5/5 to 4/5 counts as worse, where a majority would call it unchanged),
 * and with one run per case it is the exact McNemar test, one-sided.
 */
export function metricStats({ metric, base, head, threshold, runs, epsilon }: MetricStatsInput): MetricStats {
  const stats: MetricStats = {}
  const isPassRate = metric === PASS_RATE
  if (isPassRate && head !== undefined && head.size > 0) {
    const successes = [...head.values()].reduce((total, value) => total + value, 0)
    stats.interval = wilsonInterval(successes, head.size)
  }
  if (base === undefined || head === undefined) return stats
  const { samples, worse, better } = pairCases(base, head, epsilon)
  stats.test = isPassRate && runs <= 1 ? 'mcnemar' : 'sign'
  stats.pValue = signTestWorse(worse, better)
  stats.samples = samples
  stats.discordant = { worse, better }
  const alpha = threshold?.significance
  const maxDrop = threshold?.max_drop
  if (alpha !== undefined && maxDrop !== undefined) {
    // Scores are taken as continuous (step 0): the warning then fires only when n itself is too small.
    const power = checkPower(samples, maxDrop, alpha, isPassRate ? 1 / Math.max(1, runs) : 0)
    stats.underpowered = power.underpowered
    if (power.reason !== undefined) stats.underpoweredReason = power.reason
  }
  return stats
}
