import type { AcceptedOverride, RefusedOverride } from '../compare/override.js'
import type { Comparison, Verdict } from '../compare/types.js'

/** Everything the report needs besides the comparison; plain values so another job can render it. */
export interface ReportContext {
  /** The final verdict, after the override label is applied. */
  verdict: Verdict
  /** The label that accepted a regression, when the verdict is `overridden`. */
  overrideLabel?: string
  /** Who accepted the regression with the label, and when, when the verdict is `overridden`. */
  override?: AcceptedOverride
  /** The override label is on the pull request but does not count (the verdict stays `regressed`). */
  overrideRefused?: RefusedOverride
  /** Link to the workflow run, for the foot of the comment. */
  runUrl?: string
  baseSha?: string
  headSha?: string
  /** The pull request evaluated; a `workflow_run` publisher checks it against GitHub's own record. */
  pullRequest?: number
  /**
   * Where the full report lives when the comment had to leave rows out (trusted markdown): a sentence,
   * or just the place ("the job summary of this run"), which becomes "The full report is in ….".
   */
  fullReportHint?: string
  /** What the run accepted but the author should look at (e.g. an unknown key in a prompt file). */
  warnings?: { message: string; file?: string; line?: number }[]
  /** A one-sentence error, when the verdict is `error`. */
  error?: string
  /** By prompt path: the registered version the pull request's base is, and the channels serving it. */
  baseVersions?: Record<string, RegisteredBase>
}

export interface RegisteredBase {
  version: number
  /** `stable`, `canary`, `latest`: the channels that point at it. */
  channels: string[]
}

export interface ReportInput {
  comparison: Comparison
  context: ReportContext
}

/** Shown while an evaluation runs, so nobody reads the previous verdict as current. */
export interface ProgressInfo {
  prompts: number
  calls: number
  headSha?: string
  runUrl?: string
}
