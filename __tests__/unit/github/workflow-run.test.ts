import { describe, expect, it } from '@jest/globals'
import { readWorkflowRunEvent } from '../../../src/github/workflow-run.js'
import { webhookExample } from './fixtures.js'

/** A real workflow_run payload, as a pull_request run's completion would send it. */
function completedPullRequestRun(change: (run: Record<string, unknown>) => void = () => {}) {
  const payload = webhookExample('workflow_run', 'completed')
  const run = payload.workflow_run as Record<string, unknown>
  run.event = 'pull_request'
  change(run)
  return payload
}

describe('readWorkflowRunEvent', () => {
  it("reads the run's id, head commit, branch and head repository from the payload", () => {
    const payload = completedPullRequestRun()
    const run = payload.workflow_run as Record<string, unknown> & { head_repository: { full_name: string } }
    expect(readWorkflowRunEvent('workflow_run', payload)).toEqual({
      owner: (payload.repository as { owner: { login: string } }).owner.login,
      repo: (payload.repository as { name: string }).name,
      runId: run.id,
      workflowId: run.workflow_id,
      headSha: run.head_sha,
      headBranch: run.head_branch,
      headRepository: run.head_repository.full_name,
      htmlUrl: run.html_url
    })
  })

  it('has no head repository when the fork was deleted', () => {
    const payload = completedPullRequestRun(run => (run.head_repository = null))
    expect(readWorkflowRunEvent('workflow_run', payload).headRepository).toBeUndefined()
  })

  it.each([
    [
      'another event',
      'pull_request',
      completedPullRequestRun(),
      /triggered by "on: workflow_run".*"pull_request"/
    ],
    [
      'a requested run',
      'workflow_run',
      { ...completedPullRequestRun(), action: 'requested' },
      /publishes completed runs; .* "requested"/
    ],
    [
      'a run of another event than pull_request',
      'workflow_run',
      completedPullRequestRun(run => (run.event = 'push')),
      /publishes runs of pull_request events; .* a "push" run/
    ],
    [
      'a payload without the run',
      'workflow_run',
      { action: 'completed', repository: completedPullRequestRun().repository },
      /no "workflow_run\.event"/
    ]
  ])('refuses %s with one clear error', (_name, eventName, payload, message) => {
    expect(() => readWorkflowRunEvent(eventName, payload)).toThrow(message)
  })
})
