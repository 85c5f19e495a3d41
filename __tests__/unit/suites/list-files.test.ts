import { afterEach, describe, expect, it } from '@jest/globals'
import { createGitChangeSource } from '../../../src/changes/git.js'
import { createApiChangeSource } from '../../../src/github/change-source.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'
import { createTwoCommitRepo, type TwoCommitRepo } from '../../helpers/git-repo.js'
import { GitHubDescription } from '../github/openapi.js'
import { pullRequest, sha } from '../github/fixtures.js'

const HEAD_TREE = {
  '.github/promptgate.yml': 'version: 1\n',
  'prompts/triage/a.md': 'A',
  'prompts/triage/deep/b.md': 'B',
  'my file (1).md': 'spaces'
}

let repo: TwoCommitRepo | undefined
let github: FakeGitHub | undefined
afterEach(async () => {
  repo?.remove()
  repo = undefined
  await github?.close()
  github = undefined
})

describe('ChangeSource.listFiles', () => {
  it('lists every file at a ref of a local git repository, directories left out', async () => {
    repo = createTwoCommitRepo({ 'old.md': 'x' }, HEAD_TREE)
    const source = await createGitChangeSource(repo.dir, repo.baseSha, repo.headSha)
    expect((await source.listFiles(source.headRef)).sort()).toEqual(Object.keys(HEAD_TREE).sort())
    expect(await source.listFiles(source.baseRef)).toEqual(['old.md'])
  })

  it('lists every file at a ref through the REST git tree, in the shape GitHub describes', async () => {
    github = await startFakeGitHub({
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 2,
      files: [],
      contents: { [sha.base]: { 'old.md': 'x' }, [sha.head]: HEAD_TREE },
      labels: [],
      base: { sha: sha.base },
      head: { sha: sha.head },
      token: 'ghs_test'
    })
    const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0 })
    const source = createApiChangeSource(octokit, pullRequest())
    expect((await source.listFiles(sha.head)).sort()).toEqual(Object.keys(HEAD_TREE).sort())

    const [request] = github.requests
    expect(request).toMatchObject({
      route: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      query: { recursive: 'true' },
      status: 200
    })
    const description = new GitHubDescription()
    const operation = description.operation('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}')!
    const described = description.parameters(operation).map(parameter => parameter.name)
    expect(described).toEqual(expect.arrayContaining(['tree_sha', 'recursive']))
    const response = await octokit.rest.git.getTree({
      owner: 'Codertocat',
      repo: 'Hello-World',
      tree_sha: sha.head
    })
    expect(description.problems(description.responseSchema(operation, 200)!, response.data)).toEqual([])
    // Without `recursive`, only the top level, directories as trees.
    expect(response.data.tree.map(entry => [entry.path, entry.type])).toEqual([
      ['.github', 'tree'],
      ['my file (1).md', 'blob'],
      ['prompts', 'tree']
    ])
    const missing = await octokit.rest.git
      .getTree({ owner: 'Codertocat', repo: 'Hello-World', tree_sha: 'f'.repeat(40) })
      .catch(error => error)
    expect(missing.status).toBe(404)
    expect(description.problems(description.errorSchema(), missing.response.data)).toEqual([])
  })
})
