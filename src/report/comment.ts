import { renderReport } from './document.js'
import { COMMENT_LEVELS, COMMENT_MAX_CHARS, JOB_SUMMARY_MAX_BYTES, SUMMARY_LEVELS } from './limits.js'
import type { ReportInput } from './types.js'

/**
 * The hint as a sentence. A caller may pass one ("See the [job summary](...).") or just the place
 * ("the job summary of this run"), which would otherwise dangle after the omission note.
 */
function fullReportSentence(hint: string | undefined): string {
  if (hint === undefined || hint.trim() === '') return 'The full report is in the job summary of this run.'
  const trimmed = hint.trim()
  return /[.!?][)*_]*$/.test(trimmed) ? trimmed : `The full report is in ${trimmed}.`
}

export interface CommentOptions {
  /** The most characters the comment may hold (default 65,536, GitHub's limit). */
  maxChars?: number
}

/**
 * The sticky PR comment: marker, verdict, summary table, then per-prompt details, degraded
 * (shorter values, then fewer rows) until it fits `maxChars`.
 */
export function renderComment(input: ReportInput, options: CommentOptions = {}): string {
  return renderReport(input, {
    budget: options.maxChars ?? COMMENT_MAX_CHARS,
    measure: text => text.length,
    levels: COMMENT_LEVELS,
    withMarker: true,
    limitName: 'the size limit of a GitHub comment',
    fullReportHint: fullReportSentence(input.context.fullReportHint)
  })
}

/** The same report for the step's job summary, with fuller values and a 1 MiB budget. */
export function renderJobSummary(input: ReportInput): string {
  return renderReport(input, {
    budget: JOB_SUMMARY_MAX_BYTES,
    measure: text => Buffer.byteLength(text, 'utf8'),
    levels: SUMMARY_LEVELS,
    withMarker: false,
    limitName: 'the 1 MiB job summary limit',
    fullReportHint: 'Every case is in the JSON report.'
  })
}
