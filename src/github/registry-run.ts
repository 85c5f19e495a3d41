import { decideOverride } from '../compare/override.js'
import { errorMessage } from '../errors.js'
import type { PipelineOutcome } from '../pipeline.js'
import {
  registerVersions,
  runChannelCommand,
  type ChannelRequest,
  type ChannelOutcome,
  type RegisterOutcome
} from '../registry/commands.js'
import { registerRequestsFrom } from '../registry/from-evaluation.js'
import { contentDigest, promptContent } from '../registry/digest.js'
import { promptStem } from '../registry/resolve.js'
import type { RegistryStore } from '../registry/store.js'
import { readRegistry } from '../registry/transact.js'
import type { ChannelMovedEvent, VersionEval } from '../registry/types.js'
import { abortRollout, resumeRollout } from '../rollout/stage-commands.js'
import { mirrorChannelMove } from './deployments.js'
import type { PullRequestRef } from './event.js'
import { gatherOverrideEvidence } from './override-evidence.js'
import type { Octokit } from './octokit.js'
import { createGitHubRegistryStore } from './registry-store.js'

export interface RepositoryRef {
  owner: string
  repo: string
}

export function registryStore(octokit: Octokit, at: RepositoryRef, branch: string): RegistryStore {
  return createGitHubRegistryStore(octokit, { ...at, branch })
}

/**
 * The label that accepted a regression on the pull request this commit merged, if one did: the
 * version file then says it shipped through an override, and who accepted it.
 */
async function mergedOverride(
  octokit: Octokit,
  at: RepositoryRef & { sha: string; branch: string },
  label: string
): Promise<VersionEval['override']> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: at.owner,
    repo: at.repo,
    commit_sha: at.sha,
    per_page: 10
  })
  const merged = data.find(pull => pull.base.ref === at.branch) ?? data[0]
  if (!merged) return null
  const pr: PullRequestRef = {
    owner: at.owner,
    repo: at.repo,
    number: merged.number,
    baseSha: merged.base.sha,
    headSha: merged.head.sha,
    baseRef: merged.base.ref,
    headRef: merged.head.ref,
    isFork: merged.head.repo?.full_name !== `${at.owner}/${at.repo}`,
    labels: merged.labels.map(entry => entry.name),
    // The record asks whether a maintainer accepted a regression on this pull request at all; which
    // commit the label came after was the gate's question, settled before the merge.
    action: 'edited',
    headArrivedAt: merged.created_at
  }
  const decided = decideOverride('regressed', await gatherOverrideEvidence(octokit, pr, label))
  return decided.accepted
    ? { label: decided.accepted.label, actor: decided.accepted.actor ?? 'unknown' }
    : null
}

export interface RegisterPushOptions {
  store: RegistryStore
  at: RepositoryRef & { sha: string; branch: string }
  actor: string
  overrideLabel: string
  warn: (message: string) => void
}

/** After a push's evaluation: register each changed prompt's new version with the scores it got. */
export async function registerPush(
  octokit: Octokit,
  outcome: PipelineOutcome,
  options: RegisterPushOptions
): Promise<{ outcomes: RegisterOutcome[]; sha?: string; moves: ChannelMovedEvent[] }> {
  const regressed = outcome.comparison.prompts.some(prompt => prompt.regressed)
  let override: VersionEval['override'] = null
  if (regressed) {
    override = await mergedOverride(octokit, options.at, options.overrideLabel).catch(error => {
      options.warn(`promptgate: could not look up the pull request this push merged: ${errorMessage(error)}`)
      return null
    })
  }
  const requests = registerRequestsFrom(outcome, options.at.sha, override)
  if (requests.length === 0) return { outcomes: [], moves: [] }
  return registerVersions(options.store, requests, { actor: options.actor })
}

export interface MirrorOptions {
  at: RepositoryRef
  enabled: boolean
  logUrl?: string
  warn: (message: string) => void
}

/** Each stable or canary move as a Deployment, so the Environments page shows what serves. */
export async function mirrorMoves(
  octokit: Octokit,
  events: ChannelMovedEvent[],
  registrySha: string | undefined,
  options: MirrorOptions
): Promise<void> {
  if (!options.enabled || !registrySha) return
  for (const event of events) {
    if (event.channel === 'latest') continue
    const mirrored = await mirrorChannelMove(octokit, {
      ...options.at,
      prompt: event.prompt,
      promptName: promptStem(event.prompt),
      channel: event.channel,
      to: event.to,
      registrySha,
      ...(options.logUrl ? { logUrl: options.logUrl } : {})
    })
    if (mirrored.status === 'failed') options.warn(mirrored.warning)
  }
}

/** A command from workflow_dispatch or a comment: the registry's moves, and the rollout's resume and abort. */
export interface ChannelCommandRequest {
  command: 'promote' | 'canary' | 'rollback' | 'pause' | 'resume' | 'abort'
  prompt: string
  version?: number
  percent?: number
}

export function runCommand(
  store: RegistryStore,
  request: ChannelCommandRequest,
  actor: string
): Promise<ChannelOutcome> {
  const { prompt, version, percent } = request
  const context = { actor }
  switch (request.command) {
    case 'resume':
      return resumeRollout(store, prompt, context)
    case 'abort':
      return abortRollout(store, prompt, context)
    case 'pause':
      return runChannelCommand(store, { command: 'pause', prompt }, context)
    case 'canary':
      return runChannelCommand(
        store,
        { command: 'canary', prompt, percent: percent ?? 0, ...(version ? { version } : {}) },
        context
      )
    default:
      return runChannelCommand(
        store,
        { command: request.command, prompt, ...(version ? { version } : {}) } satisfies ChannelRequest,
        context
      )
  }
}

/** What a pull request's base version of each prompt is in the registry: `base: v3, stable`. */
export async function baseVersions(
  store: RegistryStore,
  prompts: PipelineOutcome['prompts']
): Promise<Record<string, { version: number; channels: string[] }>> {
  const state = await readRegistry(store)
  const found: Record<string, { version: number; channels: string[] }> = {}
  for (const prompt of prompts) {
    if (!prompt.base) continue
    const history =
      state.histories.get(prompt.previousPath ?? prompt.path) ?? state.histories.get(prompt.path)
    if (!history) continue
    const digest = contentDigest(promptContent(prompt.base))
    const version = history.versions.find(candidate => candidate.digest === digest)
    if (!version) continue
    const channels = (['stable', 'canary', 'latest'] as const).filter(
      name => history.channels[name]?.digest === digest
    )
    found[prompt.path] = { version: version.version, channels: [...channels] }
  }
  return found
}
