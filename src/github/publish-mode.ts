import * as core from '@actions/core'
import { applyOverride } from '../compare/override.js'
import type { Comparison, Verdict } from '../compare/types.js'
import type { ActionInputs } from '../inputs.js'
import { comparisonFromJsonReport, parseJsonReport } from '../report/from-json.js'
import type { ReportContext } from '../report/types.js'
import { listLabels } from './labels.js'
import type { Octokit } from './octokit.js'
import { Publisher } from './publisher.js'
import { downloadReportArtifact, REPORT_ARTIFACT_NAME } from './report-artifact.js'
import { readWorkflowRunEvent, verifyClaimedPullRequest } from './workflow-run.js'

export interface Published {
  verdict: Verdict
  comparison: Comparison
  overrideLabel?: string
}

/**
 * `mode: publish`, in a `workflow_run` workflow: writes the comment and check run of a pull request
 * from the report its `pull_request` run uploaded. It evaluates nothing and reads no repository
 * content; the artifact is untrusted data (a fork's code wrote it), so it is size-checked, held to the
 * report schema, tied to the pull request GitHub associates with the run's head commit, and rendered
 * afresh through the same escaping and redaction as any report.
 *
 * `state` receives the publisher and context only once the pull request is verified, so a refused
 * artifact never leads to a comment, not even an error comment.
 */
export async function publishFromWorkflowRun(
  state: { publisher?: Publisher; context?: ReportContext },
  inputs: ActionInputs,
  octokit: Octokit,
  event: { name: string; payload: unknown },
  secrets: string[]
): Promise<Published> {
  const run = readWorkflowRunEvent(event.name, event.payload)
  core.info(`promptgate: publishing the report of run ${run.runId} (head ${run.headSha.slice(0, 7)})`)
  const artifact = await downloadReportArtifact(octokit, run)
  const report = parseJsonReport(artifact.text, `${REPORT_ARTIFACT_NAME}/${artifact.file}`)
  const pr = await verifyClaimedPullRequest(octokit, run, report)

  // The publisher's own inputs decide what is written; the evaluation run's choices do not carry over.
  const publisher = new Publisher({ ...inputs, uploadReport: false }, octokit, pr, secrets)
  const comparison = comparisonFromJsonReport(report)
  const context: ReportContext = {
    verdict: 'error',
    runUrl: run.htmlUrl,
    baseSha: pr.baseSha,
    headSha: pr.headSha,
    pullRequest: pr.number
  }
  state.publisher = publisher
  state.context = context

  // The override label is read live, never taken from the artifact: a report cannot claim a label.
  const labels = comparison.verdict === 'regressed' ? await listLabels(octokit, pr) : []
  const final = applyOverride(comparison.verdict, labels, inputs.overrideLabel)
  state.context = {
    ...context,
    verdict: final.verdict,
    overrideLabel: final.overrideLabel,
    error: report.error,
    fullReportHint: `the "${REPORT_ARTIFACT_NAME}" artifact of the evaluation run`
  }
  await publisher.all({ comparison, context: state.context }, { createComment: final.verdict !== 'skipped' })
  return { verdict: final.verdict, comparison, overrideLabel: final.overrideLabel }
}
