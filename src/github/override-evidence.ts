import { sameLabel, type OverrideEvidence } from '../compare/override.js'
import { errorMessage } from '../errors.js'
import { apiMessage, httpStatus } from './http-error.js'
import type { PullRequestRef } from './event.js'
import { listLabels } from './labels.js'
import type { Octokit } from './octokit.js'

/** The latest `labeled` event of the label: the issue events API lists them oldest first. */
async function latestLabeled(
  octokit: Octokit,
  pr: PullRequestRef,
  label: string
): Promise<{ actor: string; at: string } | undefined> {
  const events = await octokit.paginate(octokit.rest.issues.listEvents, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100
  })
  let latest: { actor: string; at: string } | undefined
  for (const event of events) {
    const name = 'label' in event ? event.label?.name : undefined
    if (event.event !== 'labeled' || name === undefined || !sameLabel(name, label) || !event.actor) continue
    if (!latest || Date.parse(event.created_at) >= Date.parse(latest.at)) {
      latest = { actor: event.actor.login, at: event.created_at }
    }
  }
  return latest
}

/** `role_name` (admin, maintain, write, triage, read); the legacy `permission` where it is missing. */
async function roleOf(octokit: Octokit, pr: PullRequestRef, username: string): Promise<string> {
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
    owner: pr.owner,
    repo: pr.repo,
    username
  })
  return data.role_name || data.permission
}

/**
 * What decides whether the override label counts: it is read live (the payload's labels are a snapshot
 * from when the run was queued), with who added it and their role. A lookup that fails is recorded, not
 * thrown: the label then does not count.
 */
export async function gatherOverrideEvidence(
  octokit: Octokit,
  pr: PullRequestRef,
  label: string
): Promise<OverrideEvidence> {
  const head = {
    sha: pr.headSha,
    ...(pr.headArrivedAt ? { arrivedAt: pr.headArrivedAt } : {}),
    labeledNow: pr.action === 'labeled' && pr.eventLabel !== undefined && sameLabel(pr.eventLabel, label)
  }
  const evidence: OverrideEvidence = { label, present: false, head, action: pr.action }
  try {
    evidence.present =
      label.trim() !== '' && (await listLabels(octokit, pr)).some(name => sameLabel(name, label))
    if (!evidence.present) return evidence
    evidence.added = await latestLabeled(octokit, pr, label)
    if (evidence.added) evidence.role = await roleOf(octokit, pr, evidence.added.actor)
  } catch (error) {
    evidence.present = true
    const status = httpStatus(error)
    evidence.lookupProblem =
      status === undefined ? errorMessage(error) : `GitHub answered ${status}: ${apiMessage(error)}`
  }
  return evidence
}
