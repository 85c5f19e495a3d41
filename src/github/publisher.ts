import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { ActionInputs } from '../inputs.js'
import { buildJsonReport, COMMENT_MARKER, renderComment, renderJobSummary } from '../report/index.js'
import type { ReportInput } from '../report/types.js'
import { writeReportFile } from '../report/write-report-file.js'
import { redactDeep, redactSecrets } from '../secrets.js'
import { uploadReportArtifact } from './artifact.js'
import { buildAnnotations, CHECK_SUMMARY_MAX_CHARS, checkRunTitle, publishCheckRun } from './check-run.js'
import { apiMessage, httpStatus } from './http-error.js'
import { upsertStickyComment, type IdentityCache } from './comment.js'
import type { PullRequestRef } from './event.js'
import type { Octokit } from './octokit.js'

/** Everything the action writes: the sticky comment, job summary, JSON report, check run and artifact. */
export class Publisher {
  commentUrl?: string
  /** Why the last comment write failed, for the job summary; cleared by a write that succeeded. */
  commentFailure?: string
  private commentsAllowed: boolean
  private readonly identity: IdentityCache = {}

  constructor(
    private readonly inputs: ActionInputs,
    private readonly octokit: Octokit,
    /** Absent on a push: nothing to comment on or to check. */
    private readonly pr: PullRequestRef | undefined,
    private readonly secrets: string[]
  ) {
    this.commentsAllowed = inputs.comment
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets)
  }

  /**
   * Writes the sticky comment. Never throws: a read-only token (fork PRs) is a warning, a pull
   * request whose head moved on is a notice, and any other failure (5xx after retries) is a warning
   * that the job summary repeats; the verdict still decides the step.
   */
  async comment(
    body: string,
    options: { createIfMissing?: boolean; fallbacks?: () => string[]; headSha?: string } = {}
  ): Promise<void> {
    if (!this.commentsAllowed || !this.pr) return
    try {
      const result = await upsertStickyComment(this.octokit, this.pr, this.redact(body), COMMENT_MARKER, {
        ...options,
        fallbacks: options.fallbacks && (() => options.fallbacks!().map(text => this.redact(text))),
        headSha: options.headSha ?? this.pr.headSha,
        identity: this.identity
      })
      this.commentFailure = undefined
      if (result.status === 'forbidden') {
        core.warning(
          `promptgate could not write the pull-request comment (${result.message}). On pull requests from forks the token is read-only; the report is in the job summary.`
        )
        this.commentsAllowed = false
      } else if (result.status === 'stale') {
        core.notice(`promptgate did not update the pull-request comment: ${result.message}.`)
        this.commentsAllowed = false
      } else if (result.status !== 'absent') {
        this.commentUrl = result.url
      }
    } catch (error) {
      const status = httpStatus(error)
      this.commentFailure = this.redact(
        status === undefined ? errorMessage(error) : `GitHub answered ${status}: ${apiMessage(error)}`
      )
      core.warning(
        `promptgate could not write the pull-request comment: ${this.commentFailure}. The verdict and the full report are in the job summary and the JSON report.`
      )
    }
  }

  /** The report everywhere it goes; the comment is created only when `createIfMissing`. */
  async all(
    input: ReportInput,
    options: { createComment: boolean; changedLines?: ReadonlyMap<string, number> }
  ) {
    input = redactDeep(input, this.secrets)
    const reportPath = await this.report(input)
    core.setOutput('report-path', reportPath)
    await this.comment(renderComment(input), {
      createIfMissing: options.createComment,
      fallbacks: () => shorterComments(input)
    })
    core.setOutput('comment-url', this.commentUrl ?? '')
    await this.summary(renderJobSummary(input) + commentFailureNote(this.commentFailure))
    await this.checkRun(input, options.changedLines ?? new Map())
    await this.artifact(reportPath)
  }

  private async summary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(this.redact(markdown)).write({ overwrite: true })
  }

  private async report(input: ReportInput): Promise<string> {
    const text = this.redact(JSON.stringify(buildJsonReport(input), null, 2))
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    return writeReportFile(workspace, this.inputs.reportPath, text, 'the report-path input')
  }

  private async checkRun(input: ReportInput, lines: ReadonlyMap<string, number>): Promise<void> {
    const name = this.inputs.checkName
    if (!name || !this.pr) return
    const { comparison, context } = input
    try {
      const result = await publishCheckRun(this.octokit, this.pr, {
        name,
        verdict: context.verdict,
        title: checkRunTitle(comparison, context.verdict),
        summaryMarkdown: this.redact(renderComment(input, { maxChars: CHECK_SUMMARY_MAX_CHARS })),
        annotations: buildAnnotations(comparison, { verdict: context.verdict, lines }).map(annotation => ({
          ...annotation,
          message: this.redact(annotation.message)
        })),
        detailsUrl: context.runUrl,
        gating: this.inputs.failOnRegression
      })
      if (result.status === 'forbidden') {
        core.warning(`promptgate could not create the check run "${name}": ${result.message}`)
      } else {
        core.info(`promptgate: check run ${result.url}`)
      }
    } catch (error) {
      core.warning(`promptgate could not create the check run "${name}": ${errorMessage(error)}`)
    }
  }

  private async artifact(reportPath: string): Promise<void> {
    if (!this.inputs.uploadReport) return
    const result = await uploadReportArtifact(reportPath, 'promptgate-report', {
      // Loaded only when asked for: the artifact client is most of the bundle's weight.
      client: async () => new (await import('@actions/artifact')).DefaultArtifactClient()
    })
    if (result.status === 'uploaded') {
      core.info(`promptgate: uploaded the JSON report: ${result.url ?? `artifact ${result.id}`}`)
    } else if (result.status === 'unavailable') {
      core.notice(result.message)
    } else {
      core.warning(result.message)
    }
  }
}

/** Bodies for a comment GitHub refused with 422: the report in a tenth of the space, then the verdict alone. */
function shorterComments(input: ReportInput): string[] {
  const { verdict, runUrl, headSha } = input.context
  const where = runUrl ? ` in [the job summary of this run](${runUrl})` : ' in the job summary of this run'
  const commit = headSha ? ` for ${headSha.slice(0, 7)}` : ''
  return [
    renderComment(input, { maxChars: SHORT_COMMENT_MAX_CHARS }),
    `${COMMENT_MARKER}\n\n**promptgate: ${verdict}**${commit}. GitHub refused the full comment; the report is${where}.\n`
  ]
}

const SHORT_COMMENT_MAX_CHARS = 6_000

function commentFailureNote(failure: string | undefined): string {
  if (!failure) return ''
  return `\n\n> [!WARNING]\n> promptgate could not write the pull-request comment: ${failure.replace(/\s+/g, ' ')}\n`
}
