import type { DiffLimits } from './diff.js'

/** How much of each untrusted value a case row shows. */
export interface DetailLimits {
  diff: DiffLimits
  varValue: number
  vars: number
  expected: number
  reason: number
  description: number
  error: number
}

const COMMENT_FULL: DetailLimits = {
  diff: { maxChars: 4_000, maxLines: 80, maxLineChars: 1_000, context: 2 },
  varValue: 200,
  vars: 12,
  expected: 400,
  reason: 300,
  description: 200,
  error: 500
}

const COMMENT_SHORT: DetailLimits = {
  diff: { maxChars: 700, maxLines: 14, maxLineChars: 240, context: 1 },
  varValue: 60,
  vars: 6,
  expected: 120,
  reason: 120,
  description: 100,
  error: 200
}

const SUMMARY_FULL: DetailLimits = {
  diff: { maxChars: 40_000, maxLines: 1_000, maxLineChars: 5_000, context: 3 },
  varValue: 2_000,
  vars: 50,
  expected: 4_000,
  reason: 2_000,
  description: 1_000,
  error: 2_000
}

/** Full values first; the shortened ones are the first thing given up when the budget is tight. */
export const COMMENT_LEVELS: readonly [DetailLimits, DetailLimits] = [COMMENT_FULL, COMMENT_SHORT]
export const SUMMARY_LEVELS: readonly [DetailLimits, DetailLimits] = [SUMMARY_FULL, COMMENT_FULL]

/** GitHub rejects a comment body beyond this many characters. */
export const COMMENT_MAX_CHARS = 65_536
/** A step's job summary holds at most 1 MiB. */
export const JOB_SUMMARY_MAX_BYTES = 1024 * 1024
