import { murmur3 } from './murmur3.js'

/** The total weight of every flag file the registry writes. */
export const TOTAL_WEIGHT = 10_000

const utf8 = new TextEncoder()

/**
 * The bucket flagd's `fractional` gives a targeting key for a flag: murmur3 of flag key + targeting
 * key (UTF-8), scaled to [0, TOTAL_WEIGHT). The product stays below 2^53, so the division is exact.
 */
export function bucketOf(promptId: string, key: string): number {
  return Math.floor((murmur3(utf8.encode(promptId + key)) * TOTAL_WEIGHT) / 2 ** 32)
}

/** The canary's weight in the flag file: `round(percent * 100)` of 10000. */
export function canaryWeight(percent: number): number {
  return Math.round(percent * 100)
}

/**
 * True when `key` lands on the canary. The canary is the first bucket range, so raising the percent
 * only adds keys to it. An empty key is stable, as flagd treats a missing targeting key.
 */
export function inCanary(promptId: string, key: string, percent: number): boolean {
  if (key === '') return false
  return bucketOf(promptId, key) < canaryWeight(percent)
}
