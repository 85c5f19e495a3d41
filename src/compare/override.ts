import type { Verdict } from './types.js'

/** The override label that accepted a regression: who added it, and when. */
export interface AcceptedOverride {
  label: string
  /** Login of the maintainer who added it; absent for a local `--accept`. */
  actor?: string
  /** When they added it (ISO 8601). */
  at?: string
}

/** An override label that is on the pull request but does not count, and why. */
export interface RefusedOverride {
  label: string
  actor?: string
  at?: string
  reason: string
}

export interface OverrideOutcome {
  verdict: Verdict
  accepted?: AcceptedOverride
  refused?: RefusedOverride
}

/** The roles that may accept a regression, as the collaborator-permission API names them. */
export const MAINTAINER_ROLES: readonly string[] = ['admin', 'maintain', 'write']

/** What GitHub says about the override label on a pull request, gathered only when the gate regressed. */
export interface OverrideEvidence {
  label: string
  /** The label is on the pull request now. */
  present: boolean
  /** Its latest `labeled` event. */
  added?: { actor: string; at: string }
  /** The repository role of the user who added it. */
  role?: string
  /** A lookup that failed; the label then does not count. */
  lookupProblem?: string
  head: {
    sha: string
    /** When it became the head, where the event says (a push, the pull request's creation). */
    arrivedAt?: string
    /** This run's event is the label being added while this commit was the head. */
    labeledNow: boolean
  }
  /** The event's action, for the message when the head's arrival is unknown. */
  action: string
}

export function sameLabel(a: string, b: string): boolean {
  // GitHub label names are case-insensitive.
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** A regression is accepted when the PR carries the override label; an error never is (the CLI's `--accept`). */
export function applyOverride(verdict: Verdict, labels: string[], overrideLabel: string): OverrideOutcome {
  const present = overrideLabel.trim() !== '' && labels.some(label => sameLabel(label, overrideLabel))
  if (verdict === 'regressed' && present) return { verdict: 'overridden', accepted: { label: overrideLabel } }
  return { verdict }
}

/**
 * A regression is accepted only when the override label was added by a user with write, maintain or
 * admin permission, after the head commit under test arrived. Anything unknown counts against it.
 */
export function decideOverride(verdict: Verdict, evidence: OverrideEvidence): OverrideOutcome {
  if (verdict !== 'regressed' || !evidence.present) return { verdict }
  const { label, added } = evidence
  const refuse = (reason: string): OverrideOutcome => ({
    verdict,
    refused: { label, ...(added ? { actor: added.actor, at: added.at } : {}), reason }
  })
  if (evidence.lookupProblem) {
    return refuse(`promptgate could not check the label (${evidence.lookupProblem}), so it does not count`)
  }
  if (!added) return refuse("the pull request's events do not say who added it, so it does not count")
  const role = evidence.role ?? 'no'
  if (!MAINTAINER_ROLES.includes(role)) {
    return refuse(
      `it was added by ${added.actor}, who has ${role} permission; only users with write, maintain or admin ` +
        'permission can accept a regression'
    )
  }
  const head = evidence.head.sha.slice(0, 7)
  const again = 'remove the label and add it again to accept this commit'
  if (evidence.head.arrivedAt !== undefined) {
    if (Date.parse(added.at) < Date.parse(evidence.head.arrivedAt)) {
      return refuse(
        `it was added at ${added.at}, before the head commit ${head} arrived at ${evidence.head.arrivedAt}; ${again}`
      )
    }
  } else if (!evidence.head.labeledNow) {
    return refuse(
      `a "${evidence.action}" event does not say when the head commit ${head} arrived, so promptgate cannot ` +
        `tell whether the label was added after it; ${again}`
    )
  }
  return { verdict: 'overridden', accepted: { label, actor: added.actor, at: added.at } }
}
