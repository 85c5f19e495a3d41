import type { AssertionHandler } from '../types.js'
import { readThreshold, renderedValue, requireString } from './values.js'

/** promptfoo's default: up to 5 edits pass. */
export const DEFAULT_MAX_DISTANCE = 5

/**
 * The output is within `threshold` edits of the value. Here `threshold` is a maximum distance,
 * not a minimum score, and the score is 1 or 0 as in promptfoo.
 */
export const levenshtein: AssertionHandler = (spec, context) => {
  const expected = requireString(renderedValue(spec, context), spec, context, { allowEmpty: true })
  const maxDistance = readThreshold(spec, context, 'the most edits that pass', DEFAULT_MAX_DISTANCE)
  const distance = editDistance(context.output, expected)
  return distance <= maxDistance
    ? { pass: true, score: 1, reason: `Levenshtein distance ${distance} is within ${maxDistance}` }
    : {
        pass: false,
        score: 0,
        reason: `Levenshtein distance ${distance} is greater than threshold ${maxDistance}`
      }
}

/**
 * Insertions, deletions and substitutions needed to turn one string into the other, counted in
 * UTF-16 code units as promptfoo's library counts them (an emoji outside the BMP is two).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length < b.length) [a, b] = [b, a]
  if (b.length === 0) return a.length
  // One row of the dynamic-programming table, over the shorter string.
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      const substitution = diagonal + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1)
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, substitution)
      diagonal = above
    }
  }
  return row[b.length] as number
}
