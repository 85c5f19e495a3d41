import { UserError } from '../errors.js'
import { PayloadReader, type PullRequestRef } from './event.js'
import type { Octokit } from './octokit.js'

/** The evaluation run a `workflow_run` event reports on; every field comes from GitHub, not the run. */
export interface EvaluationRun {
  owner: string
  repo: string
  runId: number
  /** The evaluation workflow's id, to find its other runs of the same commit. */
  workflowId: number
  /** The commit the run evaluated: the pull request's head, as GitHub recorded it. */
  headSha: string
  headBranch: string
  /** `owner/name` of the repository the head commit lives in (a fork's); absent if it was deleted. */
  headRepository?: string
  htmlUrl?: string
}

/** Reads a `workflow_run` `completed` event of a `pull_request` run. */
export function readWorkflowRunEvent(eventName: string, payload: unknown): EvaluationRun {
  if (eventName !== 'workflow_run') {
    throw new UserError(
      `mode: publish runs in a workflow triggered by "on: workflow_run" (types: [completed]) of the evaluation workflow; ` +
        `this run was triggered by "${eventName}". Use mode: evaluate (the default) on pull_request.`
    )
  }
  const read = new PayloadReader(payload)
  const action = read.string('action')
  if (action !== 'completed') {
    throw new UserError(
      `mode: publish publishes completed runs; this workflow_run event is "${action}". Add "types: [completed]" under "on: workflow_run".`
    )
  }
  const event = read.string('workflow_run.event')
  if (event !== 'pull_request') {
    throw new UserError(
      `mode: publish publishes runs of pull_request events; the run that triggered this one was a "${event}" run. ` +
        `Limit the evaluation workflow to "on: pull_request", or the publisher's "if:" to github.event.workflow_run.event == 'pull_request'.`
    )
  }
  const headRepository = read.optional('workflow_run.head_repository')
  const htmlUrl = read.optional('workflow_run.html_url')
  return {
    owner: read.string('repository.owner.login'),
    repo: read.string('repository.name'),
    runId: read.integer('workflow_run.id'),
    workflowId: read.integer('workflow_run.workflow_id'),
    headSha: read.string('workflow_run.head_sha'),
    headBranch: read.string('workflow_run.head_branch'),
    ...(headRepository === null
      ? {}
      : { headRepository: read.string('workflow_run.head_repository.full_name') }),
    ...(typeof htmlUrl === 'string' ? { htmlUrl } : {})
  }
}

/** What an uploaded report says about itself: untrusted until `verifyClaimedPullRequest` agrees. */
export interface ReportClaim {
  pullRequest?: number
  headSha?: string
}

interface ListedPull {
  number: number
  state: string
  head: { sha: string; ref: string; repo: { full_name: string } | null }
  base: { sha: string; ref: string; repo: { full_name: string } }
  labels: { name?: string }[]
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
}

/** An open pull request of this repository whose head is exactly the run's head commit and repository. */
function isTheRunsPull(pull: ListedPull, run: EvaluationRun): boolean {
  return (
    pull.state === 'open' &&
    pull.head.sha === run.headSha &&
    sameName(pull.base.repo.full_name, `${run.owner}/${run.repo}`) &&
    sameName(pull.head.repo?.full_name, run.headRepository)
  )
}

/**
 * GitHub's own answer to "which pull request is this run about". The payload's `pull_requests` is
 * empty for forks, and `commits/{sha}/pulls` knows only commits in this repository, so a fork's pull
 * request is found by its head branch and matched on the head SHA.
 */
async function pullsOfRun(octokit: Octokit, run: EvaluationRun): Promise<ListedPull[]> {
  const { data: byCommit } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: run.owner,
    repo: run.repo,
    commit_sha: run.headSha,
    per_page: 100
  })
  const found = (byCommit as ListedPull[]).filter(pull => isTheRunsPull(pull, run))
  if (found.length > 0 || !run.headRepository) return found
  const headOwner = run.headRepository.split('/')[0]
  const byBranch = await octokit.paginate(octokit.rest.pulls.list, {
    owner: run.owner,
    repo: run.repo,
    state: 'open',
    head: `${headOwner}:${run.headBranch}`,
    per_page: 100
  })
  return (byBranch as ListedPull[]).filter(pull => isTheRunsPull(pull, run))
}

function refused(why: string): UserError {
  return new UserError(`The "promptgate-report" artifact is refused: ${why} Nothing was written.`)
}

/**
 * The pull request to publish on: the one the report claims, and only if GitHub associates it with
 * the evaluation run's head commit. A report cannot steer the comment onto another pull request.
 */
export async function verifyClaimedPullRequest(
  octokit: Octokit,
  run: EvaluationRun,
  claim: ReportClaim
): Promise<PullRequestRef> {
  if (claim.pullRequest === undefined) throw refused('it names no pull request (no "pullRequest" field).')
  if (claim.headSha !== run.headSha) {
    throw refused(
      `it claims head commit ${claim.headSha ?? '(none)'}, but the run that uploaded it evaluated ${run.headSha}.`
    )
  }
  const pulls = await pullsOfRun(octokit, run)
  const pull = pulls.find(candidate => candidate.number === claim.pullRequest)
  if (!pull) {
    const known = pulls.map(candidate => `#${candidate.number}`).join(', ') || 'no open pull request'
    throw refused(
      `it claims pull request #${claim.pullRequest}, but GitHub associates the run's head commit ${run.headSha.slice(0, 7)} ` +
        `with ${known}.`
    )
  }
  return {
    owner: run.owner,
    repo: run.repo,
    number: pull.number,
    baseSha: pull.base.sha,
    headSha: pull.head.sha,
    baseRef: pull.base.ref,
    headRef: pull.head.ref,
    isFork: !sameName(pull.head.repo?.full_name, `${run.owner}/${run.repo}`),
    labels: pull.labels.flatMap(label => (label.name === undefined ? [] : [label.name])),
    // A workflow_run carries no pull_request action; publishing reads none.
    action: 'synchronize'
  }
}

/**
 * When the head commit became the pull request's head, as far as GitHub shows it: when the evaluation
 * workflow's first pull_request run of that commit (opened or synchronize) was created. The override
 * label counts only when it was added after this. Undefined when GitHub lists no such run or the lookup
 * fails: the label then does not count.
 */
export async function headArrival(octokit: Octokit, run: EvaluationRun): Promise<string | undefined> {
  try {
    const runs = await octokit.paginate(octokit.rest.actions.listWorkflowRuns, {
      owner: run.owner,
      repo: run.repo,
      workflow_id: run.workflowId,
      head_sha: run.headSha,
      event: 'pull_request',
      per_page: 100
    })
    const times = runs
      .filter(
        candidate =>
          candidate.head_sha === run.headSha &&
          candidate.head_branch === run.headBranch &&
          sameName(candidate.head_repository?.full_name, run.headRepository)
      )
      .map(candidate => candidate.created_at)
      .sort((a, b) => Date.parse(a) - Date.parse(b))
    return times[0]
  } catch {
    return undefined
  }
}
