import type { PullRequestRef } from './event.js'
import type { Octokit } from './octokit.js'

/**
 * The pull request's labels as they are now. The event payload's list is a snapshot from when the
 * run was queued; a label added while the run waited (say, the override label) is only seen here.
 */
export async function listLabels(octokit: Octokit, pr: PullRequestRef): Promise<string[]> {
  const labels = await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100
  })
  return labels.map(label => label.name)
}
