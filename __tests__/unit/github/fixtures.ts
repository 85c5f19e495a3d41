import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { PullRequestRef } from '../../../src/github/event.js'

export const sha = {
  base: '1111111111111111111111111111111111111111',
  head: '2222222222222222222222222222222222222222'
}

export const marker = '<!-- promptgate -->'

export function pullRequest(overrides: Partial<PullRequestRef> = {}): PullRequestRef {
  return {
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    baseSha: sha.base,
    headSha: sha.head,
    baseRef: 'main',
    headRef: 'changes',
    isFork: false,
    labels: [],
    action: 'opened',
    ...overrides
  }
}

interface WebhookDefinition {
  name: string
  examples: Record<string, unknown>[]
}

let definitions: WebhookDefinition[] | undefined

/** A real payload from @octokit/webhooks-examples, e.g. `webhookExample('pull_request', 'opened')`. */
export function webhookExample(event: string, action?: string): Record<string, unknown> {
  definitions ??= JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8')
  ) as WebhookDefinition[]
  const example = definitions
    .find(definition => definition.name === event)
    ?.examples.find(candidate => action === undefined || candidate.action === action)
  if (!example)
    throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`)
  return structuredClone(example)
}
