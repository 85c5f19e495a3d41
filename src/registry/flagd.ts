import type { RegistrySnapshot } from './types.js'

/** flagd's `fractional` weights always sum to this, so a key's bucket never depends on the percent. */
export const FRACTIONAL_TOTAL_WEIGHT = 10_000

export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json'

/** The canary's share in flagd weights: hundredths of a percent. */
export function canaryWeight(percent: number): number {
  return Math.min(FRACTIONAL_TOTAL_WEIGHT, Math.max(0, Math.round(percent * 100)))
}

interface FlagdFlag {
  state: 'ENABLED'
  variants: Record<string, string>
  defaultVariant: string
  targeting?: { fractional: [string, number][] }
  metadata: Record<string, string | number>
}

export interface FlagdFlagSet {
  $schema: string
  flags: Record<string, FlagdFlag>
}

/**
 * The channel split as a flagd flag set: one flag per prompt, the digests as variants, stable as the
 * default. The canary is listed first, so raising its weight only moves keys to it; the loader's
 * bucketing computes the same split (src/runtime).
 */
export function compileFlagd(snapshot: RegistrySnapshot): FlagdFlagSet {
  const flags: Record<string, FlagdFlag> = {}
  for (const [id, prompt] of Object.entries(snapshot.prompts)) {
    const { stable, canary } = prompt.channels
    if (!stable) continue
    const variants: Record<string, string> = { [stable.digest]: stable.digest }
    const flag: FlagdFlag = {
      state: 'ENABLED',
      variants,
      defaultVariant: stable.digest,
      metadata: { stableVersion: stable.version }
    }
    if (canary && canary.digest !== stable.digest) {
      variants[canary.digest] = canary.digest
      const weight = canaryWeight(canary.percent ?? 0)
      flag.targeting = {
        fractional: [
          [canary.digest, weight],
          [stable.digest, FRACTIONAL_TOTAL_WEIGHT - weight]
        ]
      }
      flag.metadata.canaryVersion = canary.version
      flag.metadata.canaryPercent = canary.percent ?? 0
    }
    flags[id] = flag
  }
  return { $schema: FLAGD_SCHEMA_URL, flags }
}
