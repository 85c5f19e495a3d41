/**
 * Mirrors a channel move as a GitHub Deployment, so the repository's Environments page shows which
 * version of a prompt each channel serves. The registry branch stays the truth: a mirror that fails
 * is a warning, because the move it reports already happened.
 */
import { errorMessage } from '../errors.js'
import type { ChannelPointer } from '../registry/types.js'
import { apiMessage, httpStatus } from './http-error.js'
import type { Octokit } from './octokit.js'

export type MirroredChannel = 'stable' | 'canary'

export interface ChannelMove {
  owner: string
  repo: string
  /** The prompt's id: its repository path. */
  prompt: string
  /** Its short name, for the environment: `prompt/<promptName>`. */
  promptName: string
  channel: MirroredChannel
  /** Where the channel points now; null when it was cleared (a canary ended by promote, rollback or pause). */
  to: ChannelPointer | null
  /** The registry commit that made the move: the deployment's ref. */
  registrySha: string
  /** The workflow run, linked from the deployment status. */
  logUrl?: string
}

export type MirrorOutcome =
  { status: 'mirrored'; deploymentId: number; environment: string } | { status: 'failed'; warning: string }

/** GitHub's limits: a deployment description of 140 characters, an environment name of 255. */
const descriptionLimit = 140
const environmentLimit = 255

/** `prompt/<name>` for stable, `prompt/<name>/canary` for the canary. */
export function environmentFor(promptName: string, channel: MirroredChannel): string {
  // eslint-disable-next-line no-control-regex -- control characters have no place in a name
  const name = promptName.replace(/[\u0000-\u001f\u007f,]/g, '').trim() || 'prompt'
  const suffix = channel === 'canary' ? '/canary' : ''
  return `prompt/${name}`.slice(0, environmentLimit - suffix.length) + suffix
}

/** One line: "v3 (sha256:abcd1234) to stable", "v4 (sha256:9f8e7d6c) to canary at 5%", "canary cleared". */
export function describeMove(channel: MirroredChannel, to: ChannelPointer | null): string {
  if (!to) return `${channel} cleared`
  const digest = to.digest.replace(/^(sha256:[0-9a-f]{8})[0-9a-f]*$/, '$1')
  const share = channel === 'canary' && to.percent !== undefined ? ` at ${to.percent}%` : ''
  return `v${to.version} (${digest}) to ${channel}${share}`.slice(0, descriptionLimit)
}

export async function mirrorChannelMove(octokit: Octokit, move: ChannelMove): Promise<MirrorOutcome> {
  const environment = environmentFor(move.promptName, move.channel)
  const description = describeMove(move.channel, move.to)
  const payload = {
    prompt: move.prompt,
    channel: move.channel,
    version: move.to?.version ?? null,
    digest: move.to?.digest ?? null,
    ...(move.to?.percent !== undefined ? { percent: move.to.percent } : {})
  }
  try {
    const { data } = await octokit.rest.repos.createDeployment({
      owner: move.owner,
      repo: move.repo,
      ref: move.registrySha,
      environment,
      description,
      payload,
      // The registry commit is what is deployed: no merging of the default branch into it, and no
      // status checks to wait for (registry commits have none).
      auto_merge: false,
      required_contexts: [],
      production_environment: move.channel === 'stable',
      transient_environment: false
    })
    if (!('id' in data))
      return failed(move, environment, `GitHub answered: ${data.message ?? 'no deployment'}`)
    await octokit.rest.repos.createDeploymentStatus({
      owner: move.owner,
      repo: move.repo,
      deployment_id: data.id,
      // A cleared channel serves nothing: its environment shows as inactive.
      state: move.to ? 'success' : 'inactive',
      description,
      environment,
      ...(move.logUrl ? { log_url: move.logUrl } : {}),
      auto_inactive: true
    })
    return { status: 'mirrored', deploymentId: data.id, environment }
  } catch (error) {
    const status = httpStatus(error)
    const said = status === undefined ? errorMessage(error) : `${status}: ${apiMessage(error)}`
    const hint =
      status === 403 || status === 404
        ? " The workflow's token needs `permissions: deployments: write` to mirror moves."
        : ''
    return failed(move, environment, `${said}.${hint}`)
  }
}

function failed(move: ChannelMove, environment: string, detail: string): MirrorOutcome {
  return {
    status: 'failed',
    warning:
      `The ${move.channel} move of ${move.prompt} is done, but mirroring it as a GitHub Deployment ` +
      `(environment ${environment}) failed: ${detail}`
  }
}

export interface RolloutDecisionNote {
  owner: string
  repo: string
  prompt: string
  promptName: string
  /** One line: "stage 5%: hold: too little traffic to decide ...". */
  line: string
  logUrl?: string
}

/**
 * A watch that decided without moving a channel (a hold) adds a status to the canary's current
 * Deployment, so its environment shows the last decision in place. No canary Deployment: nothing to do.
 */
export async function noteRolloutDecision(
  octokit: Octokit,
  note: RolloutDecisionNote
): Promise<MirrorOutcome | undefined> {
  const environment = environmentFor(note.promptName, 'canary')
  try {
    const { data } = await octokit.rest.repos.listDeployments({
      owner: note.owner,
      repo: note.repo,
      environment,
      per_page: 1
    })
    const current = data[0]
    if (!current) return undefined
    await octokit.rest.repos.createDeploymentStatus({
      owner: note.owner,
      repo: note.repo,
      deployment_id: current.id,
      state: 'in_progress',
      description: note.line.slice(0, descriptionLimit),
      environment,
      ...(note.logUrl ? { log_url: note.logUrl } : {}),
      auto_inactive: false
    })
    return { status: 'mirrored', deploymentId: current.id, environment }
  } catch (error) {
    const status = httpStatus(error)
    const said = status === undefined ? errorMessage(error) : `${status}: ${apiMessage(error)}`
    return {
      status: 'failed',
      warning: `The decision on ${note.prompt} is written, but noting it on its canary Deployment (${environment}) failed: ${said}.`
    }
  }
}
