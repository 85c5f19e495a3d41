import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** Every example payload, read as the JSON file the package is. */
const examples: unknown = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8')
)

interface PullRequestPayload {
  action: string
  number: number
  pull_request: {
    number: number
    base: { sha: string }
    head: { sha: string }
    labels: { name: string }[]
    created_at: string
    updated_at: string
  }
  /** The label a `labeled` or `unlabeled` event is about. */
  label?: { name: string }
  repository: { name: string; full_name: string; owner: { login: string } }
}

/** A real pull_request payload from @octokit/webhooks-examples, pointed at our two commits. */
export function pullRequestPayload(action: string, baseSha: string, headSha: string): PullRequestPayload {
  const event = (examples as unknown as { name: string; examples: PullRequestPayload[] }[]).find(
    e => e.name === 'pull_request'
  )
  const example = event?.examples.find(e => e.action === action)
  if (!example) throw new Error(`no pull_request.${action} example in @octokit/webhooks-examples`)
  const payload = structuredClone(example)
  payload.pull_request.base.sha = baseSha
  payload.pull_request.head.sha = headSha
  return payload
}

/** A real payload of another event, for the unsupported-event test. */
export function eventPayload(name: string): unknown {
  const event = (examples as unknown as { name: string; examples: unknown[] }[]).find(e => e.name === name)
  if (!event?.examples[0]) throw new Error(`no ${name} example in @octokit/webhooks-examples`)
  return structuredClone(event.examples[0])
}

/** The evaluation workflow's id in the workflow_run payloads of the tests. */
export const EVALUATION_WORKFLOW_ID = 161335

export interface WorkflowRunOptions {
  runId: number
  headSha: string
  headBranch: string
  /** `owner/name` of the head repository: a fork's for a fork pull request. */
  headRepository: string
  /** The triggering run's event. Default `pull_request`. */
  event?: string
}

/**
 * A real `workflow_run.completed` payload from @octokit/webhooks-examples, for a run of a pull_request
 * workflow in Codertocat/Hello-World. As for a fork, `workflow_run.pull_requests` is empty.
 */
export function workflowRunPayload(options: WorkflowRunOptions): Record<string, unknown> {
  const event = (examples as { name: string; examples: Record<string, unknown>[] }[]).find(
    e => e.name === 'workflow_run'
  )
  const example = event?.examples.find(
    e => e.action === 'completed' && (e.workflow_run as { conclusion?: string }).conclusion === 'success'
  )
  if (!example) throw new Error('no workflow_run.completed example in @octokit/webhooks-examples')
  const payload = structuredClone(example) as Record<string, unknown> & {
    workflow_run: Record<string, unknown> & { head_repository: Record<string, unknown> }
  }
  const repository = pullRequestPayload('opened', 'a'.repeat(40), 'b'.repeat(40)).repository
  const [headOwner = '', headName = ''] = options.headRepository.split('/')
  payload.repository = repository
  Object.assign(payload.workflow_run, {
    id: options.runId,
    workflow_id: EVALUATION_WORKFLOW_ID,
    event: options.event ?? 'pull_request',
    head_sha: options.headSha,
    head_branch: options.headBranch,
    pull_requests: [],
    html_url: `https://github.com/${repository.full_name}/actions/runs/${options.runId}`,
    head_repository: {
      ...payload.workflow_run.head_repository,
      name: headName,
      full_name: options.headRepository,
      owner: { ...(payload.workflow_run.head_repository.owner as object), login: headOwner }
    }
  })
  return payload
}

interface IssueCommentPayload {
  action: string
  issue: { number: number }
  comment: { body: string; user: { login: string; type: string } }
  repository: { name: string; full_name: string; owner: { login: string } }
  sender: { login: string; type: string }
}

/**
 * A real `issue_comment` payload from @octokit/webhooks-examples (issue #1 of Codertocat/Hello-World),
 * with the comment's body and author replaced.
 */
export function issueCommentPayload(
  body: string,
  author: { login: string; type?: 'User' | 'Bot' },
  action: 'created' | 'edited' | 'deleted' = 'created'
): IssueCommentPayload {
  const event = (examples as unknown as { name: string; examples: IssueCommentPayload[] }[]).find(
    e => e.name === 'issue_comment'
  )
  const example = event?.examples.find(e => e.action === action)
  if (!example) throw new Error(`no issue_comment.${action} example in @octokit/webhooks-examples`)
  const payload = structuredClone(example)
  payload.comment.body = body
  payload.comment.user.login = author.login
  payload.comment.user.type = author.type ?? 'User'
  payload.sender.login = author.login
  payload.sender.type = author.type ?? 'User'
  return payload
}
