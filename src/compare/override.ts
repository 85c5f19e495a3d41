import type { Verdict } from './types.js'

/** A regression is accepted when the PR carries the override label; an error never is. */
export function applyOverride(
  verdict: Verdict,
  labels: string[],
  overrideLabel: string
): { verdict: Verdict; overrideLabel?: string } {
  const wanted = overrideLabel.trim().toLowerCase()
  // GitHub label names are case-insensitive.
  const present = wanted !== '' && labels.some(label => label.trim().toLowerCase() === wanted)
  if (verdict === 'regressed' && present) return { verdict: 'overridden', overrideLabel }
  return { verdict }
}
