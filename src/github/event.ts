import { UserError } from '../errors.js'

/**
 * The actions promptgate evaluates. Beyond the five GitHub users configure most often, `edited`
 * (the base branch may have changed) and `ready_for_review` (a draft became reviewable) are
 * accepted: a workflow only receives them when its author listed them under `types:`, and
 * refusing an event the author asked for would just fail their check. Actions such as `closed` or
 * `assigned` change nothing worth evaluating and are refused.
 */
export const supportedPullRequestActions = [
  'opened',
  'synchronize',
  'reopened',
  'labeled',
  'unlabeled',
  'edited',
  'ready_for_review'
] as const

export type PullRequestAction = (typeof supportedPullRequestActions)[number]

const supportedEvents = ['pull_request', 'pull_request_target'] as const

/** The pull request a run is about, read from the event payload. */
export interface PullRequestRef {
  owner: string
  repo: string
  number: number
  /** `pull_request.base.sha`: the base branch tip the PR was last compared with. */
  baseSha: string
  /** `pull_request.head.sha`: the PR's last commit, never the merge commit `context.sha` names. */
  headSha: string
  baseRef: string
  headRef: string
  /** The head branch lives in another repository (or that repository was deleted). */
  isFork: boolean
  /** Labels at the time of the event; informational only, read live labels with `listLabels`. */
  labels: string[]
  action: PullRequestAction
  /**
   * When GitHub says the head commit became the pull request's head: on `synchronize` the push
   * (`pull_request.updated_at` of that event), on `opened` the pull request's creation. Other actions
   * do not say.
   */
  headArrivedAt?: string
  /** The label a `labeled` or `unlabeled` event is about. */
  eventLabel?: string
}

export function readPullRequestEvent(eventName: string, payload: unknown): PullRequestRef {
  if (!(supportedEvents as readonly string[]).includes(eventName)) {
    throw new UserError(
      `promptgate runs on pull_request and pull_request_target events (opened, synchronize, reopened, labeled, unlabeled), ` +
        `and on push to the default branch to fill the result cache; this run was triggered by "${eventName}". ` +
        `Add "on: pull_request" to the workflow.`
    )
  }
  const read = new PayloadReader(payload)
  const action = read.string('action')
  if (!isSupportedAction(action)) {
    throw new UserError(
      `promptgate does not evaluate "${eventName}" events with action "${action}"; it runs on ` +
        `${supportedPullRequestActions.join(', ')}. List those under "types:" in the workflow.`
    )
  }
  const baseRepo = read.string('pull_request.base.repo.full_name')
  const headRepoValue = read.optional('pull_request.head.repo')
  // GitHub sends `head.repo: null` when the fork behind the PR has been deleted.
  const headRepo = headRepoValue === null ? undefined : read.string('pull_request.head.repo.full_name')

  return {
    owner: read.string('repository.owner.login'),
    repo: read.string('repository.name'),
    number: read.integer('pull_request.number'),
    baseSha: read.string('pull_request.base.sha'),
    headSha: read.string('pull_request.head.sha'),
    baseRef: read.string('pull_request.base.ref'),
    headRef: read.string('pull_request.head.ref'),
    isFork: headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase(),
    labels: read.labelNames('pull_request.labels'),
    action,
    ...optionalText('headArrivedAt', headArrivalField[action], read),
    ...optionalText(
      'eventLabel',
      action === 'labeled' || action === 'unlabeled' ? 'label.name' : undefined,
      read
    )
  }
}

const headArrivalField: Partial<Record<PullRequestAction, string>> = {
  synchronize: 'pull_request.updated_at',
  opened: 'pull_request.created_at'
}

function optionalText<K extends string>(
  key: K,
  path: string | undefined,
  read: PayloadReader
): Partial<Record<K, string>> {
  const value = path === undefined ? undefined : read.optional(path)
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {}
}

function isSupportedAction(action: string): action is PullRequestAction {
  return (supportedPullRequestActions as readonly string[]).includes(action)
}

/** Reads dotted paths out of an untrusted payload; a missing or mistyped field is a UserError. */
export class PayloadReader {
  constructor(private readonly payload: unknown) {}

  optional(path: string): unknown {
    let value: unknown = this.payload
    for (const key of path.split('.')) {
      if (typeof value !== 'object' || value === null) return undefined
      value = (value as Record<string, unknown>)[key]
    }
    return value
  }

  string(path: string): string {
    const value = this.optional(path)
    if (typeof value !== 'string' || value === '') throw this.missing(path, 'a string')
    return value
  }

  integer(path: string): number {
    const value = this.optional(path)
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.missing(path, 'an integer')
    return value
  }

  labelNames(path: string): string[] {
    const value = this.optional(path)
    if (value === undefined) return []
    if (!Array.isArray(value)) throw this.missing(path, 'a list')
    return value.map((label, index) => {
      const name = (label as { name?: unknown } | null)?.name
      if (typeof name !== 'string') throw this.missing(`${path}.${index}.name`, 'a string')
      return name
    })
  }

  private missing(path: string, expected: string): UserError {
    return new UserError(
      `The event payload in GITHUB_EVENT_PATH has no "${path}" (expected ${expected}). ` +
        `promptgate needs the event payload GitHub writes for the run; do not replace GITHUB_EVENT_PATH.`
    )
  }
}

/** A push to the default branch: evaluated only to fill the result cache for pull requests. */
export interface DefaultBranchPush {
  owner: string
  repo: string
  sha: string
  /** The commit before the push; undefined for a new branch (GitHub sends zeros). */
  before?: string
  branch: string
  /** Who pushed (the merger of a pull request). */
  pusher?: string
}

/**
 * Reads a `push` event. Only a push to the default branch is evaluated: its prompts become the
 * cached base side of every pull request opened against it.
 */
export function readDefaultBranchPush(payload: unknown): DefaultBranchPush {
  const read = new PayloadReader(payload)
  const ref = read.string('ref')
  const branch = read.string('repository.default_branch')
  if (ref !== `refs/heads/${branch}` || read.optional('deleted') === true) {
    throw new UserError(
      `promptgate evaluates pull_request events, and push events only to the default branch "${branch}" ` +
        `(to fill the result cache); this push was to "${ref}". Limit the workflow's "on: push" to ` +
        `"branches: [${branch}]".`
    )
  }
  return {
    owner: read.string('repository.owner.login'),
    repo: read.string('repository.name'),
    sha: read.string('after'),
    ...beforeOf(read.optional('before')),
    ...pusherOf(read.optional('pusher.name')),
    branch
  }
}

function beforeOf(before: unknown): { before?: string } {
  return typeof before === 'string' && /^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before) ? { before } : {}
}

function pusherOf(name: unknown): { pusher?: string } {
  return typeof name === 'string' && name !== '' ? { pusher: name } : {}
}
