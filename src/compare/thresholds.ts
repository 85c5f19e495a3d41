import type { MetricStatus, Threshold, ThresholdSet } from './types.js'
import { formatNumber } from './format.js'
import { isCallMetric } from './metrics.js'

/** Float noise below this never breaks a threshold. */
export const EPSILON = 1e-9

const BOUNDS = ['min', 'max', 'max_drop', 'max_increase'] as const

function hasBounds(threshold: Threshold | undefined): threshold is Threshold {
  return threshold !== undefined && BOUNDS.some(bound => typeof threshold[bound] === 'number')
}

/** The threshold for a metric: its own entry, else the `'*'` default (which never covers call metrics). */
export function thresholdFor(metric: string, thresholds: ThresholdSet): Threshold | undefined {
  const own = thresholds[metric]
  if (own !== undefined) return hasBounds(own) ? own : undefined
  const fallback = isCallMetric(metric) ? undefined : thresholds['*']
  return hasBounds(fallback) ? fallback : undefined
}

export interface ThresholdCheck {
  status: MetricStatus
  reason?: string
}

function brokenBounds(
  threshold: Threshold,
  head: number,
  base: number | undefined,
  epsilon: number
): string[] {
  const broken: string[] = []
  const { min, max, max_drop: maxDrop, max_increase: maxIncrease } = threshold
  if (min !== undefined && head < min - epsilon) {
    broken.push(`${formatNumber(head)} is below the minimum ${formatNumber(min)}`)
  }
  if (max !== undefined && head > max + epsilon) {
    broken.push(`${formatNumber(head)} is above the maximum ${formatNumber(max)}`)
  }
  if (base !== undefined && maxDrop !== undefined && base - head > maxDrop + epsilon) {
    broken.push(`dropped ${formatNumber(base - head)} (allowed ${formatNumber(maxDrop)})`)
  }
  if (base !== undefined && maxIncrease !== undefined && head - base > maxIncrease + epsilon) {
    broken.push(`rose ${formatNumber(head - base)} (allowed ${formatNumber(maxIncrease)})`)
  }
  return broken
}

/**
 * Checks one metric against its threshold. Without a base value only the absolute bounds
 * (`min`, `max`) can break; a missing head value breaks any threshold, so a metric that
 * could not be measured never passes the gate.
 */
export function checkThreshold(
  threshold: Threshold | undefined,
  base: number | undefined,
  head: number | undefined,
  epsilon = EPSILON
): ThresholdCheck {
  if (!hasBounds(threshold)) return { status: base === undefined ? 'no-baseline' : 'no-threshold' }
  if (head === undefined) return { status: 'broken', reason: 'no value on head' }
  const broken = brokenBounds(threshold, head, base, epsilon)
  if (broken.length > 0) return { status: 'broken', reason: broken.join('; ') }
  if (base === undefined) return { status: 'no-baseline', reason: 'no baseline to compare with' }
  return { status: 'met' }
}

/** A threshold in words, e.g. "min 0.90, max_drop 0.02". */
export function describeThreshold(threshold: Threshold): string {
  return BOUNDS.flatMap(bound => {
    const value = threshold[bound]
    return typeof value === 'number' ? [`${bound} ${formatNumber(value)}`] : []
  }).join(', ')
}
