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
