import type { MetricStatus, Threshold, ThresholdSet } from './types.js'
import { formatNumber, formatPValue } from './format.js'
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

type Bound = (typeof BOUNDS)[number]

function brokenBounds(
  threshold: Threshold,
  head: number,
  base: number | undefined,
  epsilon: number
): { bound: Bound; text: string }[] {
  const broken: { bound: Bound; text: string }[] = []
  const { min, max, max_drop: maxDrop, max_increase: maxIncrease } = threshold
  if (min !== undefined && head < min - epsilon) {
    broken.push({ bound: 'min', text: `${formatNumber(head)} is below the minimum ${formatNumber(min)}` })
  }
  if (max !== undefined && head > max + epsilon) {
    broken.push({ bound: 'max', text: `${formatNumber(head)} is above the maximum ${formatNumber(max)}` })
  }
  if (base !== undefined && maxDrop !== undefined && base - head > maxDrop + epsilon) {
    const text = `dropped ${formatNumber(base - head)} (allowed ${formatNumber(maxDrop)})`
    broken.push({ bound: 'max_drop', text })
  }
  if (base !== undefined && maxIncrease !== undefined && head - base > maxIncrease + epsilon) {
    const text = `rose ${formatNumber(head - base)} (allowed ${formatNumber(maxIncrease)})`
    broken.push({ bound: 'max_increase', text })
  }
  return broken
}

/**
 * Checks one metric against its threshold. Without a base value only the absolute bounds
 * (`min`, `max`) can break; a missing head value breaks any threshold, so a metric that
 * could not be measured never passes the gate. With `significance` and a `pValue` (the paired
 * test that head is worse), a `max_drop` break counts only when p < significance; the other
 * bounds are not tests of a change and always count.
 */
export function checkThreshold(
  threshold: Threshold | undefined,
  base: number | undefined,
  head: number | undefined,
  epsilon = EPSILON,
  pValue?: number
): ThresholdCheck {
  if (!hasBounds(threshold)) return { status: base === undefined ? 'no-baseline' : 'no-threshold' }
  if (head === undefined) return { status: 'broken', reason: 'no value on head' }
  const alpha = threshold.significance
  const broken: string[] = []
  const notes: string[] = []
  for (const { bound, text } of brokenBounds(threshold, head, base, epsilon)) {
    if (bound !== 'max_drop' || alpha === undefined || pValue === undefined) broken.push(text)
    else if (pValue < alpha) broken.push(`${text}, p = ${formatPValue(pValue)} < ${alpha}`)
    else notes.push(`${text}, p = ${formatPValue(pValue)} ≥ ${alpha}: not significant`)
  }
  if (broken.length > 0) return { status: 'broken', reason: [...broken, ...notes].join('; ') }
  if (base === undefined) return { status: 'no-baseline', reason: 'no baseline to compare with' }
  return notes.length > 0 ? { status: 'met', reason: notes.join('; ') } : { status: 'met' }
}

/** A threshold in words, e.g. "min 0.90, max_drop 0.02", and "significance 0.05" when set. */
export function describeThreshold(threshold: Threshold): string {
  const bounds = BOUNDS.flatMap(bound => {
    const value = threshold[bound]
    return typeof value === 'number' ? [`${bound} ${formatNumber(value)}`] : []
  })
  // The level as written: formatNumber would show 0.005 as 0.0050.
  if (typeof threshold.significance === 'number') bounds.push(`significance ${threshold.significance}`)
  return bounds.join(', ')
}
