import type { Path, Position } from '../config/positions.js'

/** A test case as read from its source, before validation. */
export interface RawCase {
  value: unknown
  /** 1-based line where the case starts. */
  line?: number
  /** Where a node inside the case is, for error messages; falls back to `line`. */
  locate?: (path: Path, at: 'key' | 'value') => Position | undefined
  /** What reviewers see as the expected answer, when the source says it outside the vars (CSV). */
  expected?: string
}
