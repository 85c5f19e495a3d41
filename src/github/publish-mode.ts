import * as core from '@actions/core'
import { decideOverride, type OverrideOutcome } from '../compare/override.js'
import type { Comparison } from '../compare/types.js'
import type { ActionInputs } from '../inputs.js'
import { comparisonFromJsonReport, parseJsonReport } from '../report/from-json.js'
import type { ReportContext } from '../report/types.js'
import { gatherOverrideEvidence } from './override-evidence.js'
import type { Octokit } from './octokit.js'
import { Publisher } from './publisher.js'
import { downloadReportArtifact, REPORT_ARTIFACT_NAME } from './report-artifact.js'
import { headArrival, readWorkflowRunEvent, verifyClaimedPullRequest } from './workflow-run.js'

export interface Published {
  outcome: OverrideOutcome
  comparison: Comparison
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

  // The override is decided here, never taken from the artifact, by the rule of an evaluating run: a
  // maintainer's label, added after the head commit arrived.
  const final: OverrideOutcome =
    comparison.verdict === 'regressed'
      ? decideOverride(
          comparison.verdict,
          await gatherOverrideEvidence(
            octokit,
            { ...pr, headArrivedAt: await headArrival(octokit, run) },
            inputs.overrideLabel
          )
        )
      : { verdict: comparison.verdict }
  state.context = {
    ...context,
    verdict: final.verdict,
    ...(final.accepted ? { overrideLabel: final.accepted.label, override: final.accepted } : {}),
    ...(final.refused ? { overrideRefused: final.refused } : {}),
    error: report.error,
    fullReportHint: `the "${REPORT_ARTIFACT_NAME}" artifact of the evaluation run`
  }
  await publisher.all({ comparison, context: state.context }, { createComment: final.verdict !== 'skipped' })
  return { outcome: final, comparison }
}
