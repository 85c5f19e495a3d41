import { afterEach, describe, expect, it } from '@jest/globals'
import { listLabels } from '../../../src/github/labels.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'
import { pullRequest } from './fixtures.js'

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

async function labelsOf(labels: string[]) {
  github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: [],
    contents: {},
    labels
  })
  const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0 })
  return { github, octokit }
}

describe('listLabels', () => {
  it("reads the pull request's labels now, not the payload's snapshot", async () => {
    const { github, octokit } = await labelsOf(['bug'])
    const pr = pullRequest({ labels: ['bug'] })
    github.state.labels.push('promptgate:accept')

    expect(await listLabels(octokit, pr)).toEqual(['bug', 'promptgate:accept'])
    expect(github.requests.map(request => request.route)).toEqual([
      'GET /repos/{owner}/{repo}/issues/{issue_number}/labels'
    ])
  })

  it('reads every page', async () => {
    const names = Array.from({ length: 130 }, (_, i) => `label-${i}`)
    const { github, octokit } = await labelsOf(names)
    expect(await listLabels(octokit, pullRequest())).toEqual(names)
    expect(github.requests.map(request => request.query.page ?? '1')).toEqual(['1', '2'])
  })

  it('answers an empty list for an unlabelled pull request', async () => {
    const { octokit } = await labelsOf([])
    expect(await listLabels(octokit, pullRequest())).toEqual([])
  })
})
