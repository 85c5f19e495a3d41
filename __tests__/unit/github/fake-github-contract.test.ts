/**
 * Holds the fake GitHub to GitHub's own REST description, so neither the fake nor our requests can
 * drift from what GitHub serves and accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createApiChangeSource } from '../../../src/github/change-source.js'
import { upsertStickyComment } from '../../../src/github/comment.js'
import { listLabels } from '../../../src/github/labels.js'
import { gatherOverrideEvidence } from '../../../src/github/override-evidence.js'
import { downloadReportArtifact } from '../../../src/github/report-artifact.js'
import {
  headArrival,
  verifyClaimedPullRequest,
  type EvaluationRun
} from '../../../src/github/workflow-run.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { mirrorChannelMove } from '../../../src/github/deployments.js'
import { readCommentCommand, replyToComment } from '../../../src/github/comment-command.js'
import { createGitHubRegistryStore } from '../../../src/github/registry-store.js'
import { createBareRepo, type BareRepo } from '../../helpers/bare-repo.js'
import { issueCommentPayload } from '../../helpers/payloads.js'
import {
  fakeGitHubRoutes,
  startFakeGitHub,
  type FakeGitHub,
  type RecordedRequest
} from '../../helpers/fake-github.js'
import { zipOf } from '../../helpers/zip.js'
import { GitHubDescription } from './openapi.js'
import { pullRequest, sha } from './fixtures.js'

let description: GitHubDescription
let github: FakeGitHub
let bare: BareRepo

beforeAll(async () => {
  description = new GitHubDescription()
  bare = createBareRepo()
  github = await startFakeGitHub({
    gitDir: bare.dir,
    owner: 'octo-org',
    repo: 'prompts',
    number: 7,
    base: { ref: 'main', sha: sha.base },
    head: { ref: 'tune', sha: sha.head },
    files: [
      ...Array.from({ length: 120 }, (_, i) => ({ filename: `docs/page-${i}.md`, status: 'modified' })),
      { filename: 'prompts/new.md', status: 'renamed', previous_filename: 'prompts/old.md' },
      { filename: 'prompts/gone.md', status: 'removed' }
    ],
    contents: {
      [sha.base]: { 'prompts/old.md': 'Be brief.\n', 'prompts/gone.md': 'Bye.\n', 'prompts/dir/a.md': 'A' },
      [sha.head]: { 'prompts/new.md': 'Be brief and kind.\n', 'prompts/dir/a.md': 'A' }
    },
    labels: ['promptgate:accept', 'bug'],
    comments: [{ body: 'Looks good', user: { login: 'octocat', type: 'User' } }],
    artifacts: [
      { runId: 99, name: 'promptgate-report', zip: await zipOf({ 'promptgate-report.json': '{}' }) },
      { runId: 99, name: 'old', zip: await zipOf({ 'a.txt': 'a' }), expired: true }
    ],
    workflowRuns: [
      {
        id: 99,
        workflowId: 161335,
        headSha: sha.head,
        headBranch: 'tune',
        headRepo: 'octo-org/prompts',
        event: 'pull_request',
        createdAt: '2025-01-01T00:00:00Z'
      }
    ],
    token: 'ghs_contract'
  })
}, 30_000)

afterAll(async () => {
  await github?.close()
  bare?.remove()
})

/** Sends `METHOD /template` with params to the fake through our client; returns what came back. */
async function call(route: string, params: Record<string, unknown> = {}, token = 'ghs_contract') {
  const octokit = createOctokit(token, { baseUrl: github.url, retries: 0 })
  try {
    const response = await octokit.request(route, { owner: 'octo-org', repo: 'prompts', ...params })
    return { status: response.status, data: response.data as unknown, headers: response.headers }
  } catch (error) {
    const { status, response } = error as { status: number; response: { data: unknown; headers: unknown } }
    return { status, data: response.data, headers: response.headers as Record<string, string> }
  }
}

function operationOf(route: string) {
  const [method = '', path = ''] = route.split(' ')
  const operation = description.operation(method, path)
  if (!operation) throw new Error(`${route} is not in GitHub's REST description`)
  return operation
}

/** Every query parameter of the requests is one the route's description lists. */
function expectDescribedQueries(requests: RecordedRequest[]): void {
  for (const request of requests) {
    const described = description
      .parameters(operationOf(request.route!))
      .filter(parameter => parameter.in === 'query')
      .map(parameter => parameter.name)
    for (const name of Object.keys(request.query))
      expect({ route: request.route, name, described: described.includes(name) }).toEqual({
        route: request.route,
        name,
        described: true
      })
  }
}

/** The described schema for the status, or GitHub's error schema for undocumented error statuses. */
function expectDescribed(route: string, status: number, data: unknown): void {
  const operation = operationOf(route)
  const schema =
    description.responseSchema(operation, status) ?? (status >= 400 ? description.errorSchema() : undefined)
  expect({ route, status, schema: schema ? 'described' : 'undescribed' }).toEqual({
    route,
    status,
    schema: 'described'
  })
  expect(description.problems(schema!, data)).toEqual([])
}

describe("the fake GitHub's routes", () => {
  it.each(fakeGitHubRoutes.map(route => [`${route.method} ${route.path}`]))(
    '%s exists in the description',
    route => {
      const operation = operationOf(route)
      const pathParams = description
        .parameters(operation)
        .filter(parameter => parameter.in === 'path')
        .map(parameter => parameter.name)
        .sort()
      const templateParams = [...route.matchAll(/\{([a-z_]+)\}/g)].map(match => match[1]).sort()
      expect(templateParams).toEqual(pathParams)
    }
  )
})

describe("the fake GitHub's responses match GitHub's described shapes", () => {
  const cases: [string, string, Record<string, unknown>, number][] = [
    ['a pull request', 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: 7 }, 200],
    ['a missing pull request', 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: 8 }, 404],
    [
      'a page of changed files',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
      { pull_number: 7, per_page: 100, page: 2 },
      200
    ],
    [
      'a file as JSON',
      'GET /repos/{owner}/{repo}/contents/{path}',
      { path: 'prompts/new.md', ref: sha.head },
      200
    ],
    ['a directory', 'GET /repos/{owner}/{repo}/contents/{path}', { path: 'prompts', ref: sha.base }, 200],
    ['a missing file', 'GET /repos/{owner}/{repo}/contents/{path}', { path: 'nope.md', ref: sha.head }, 404],
    [
      'an unknown ref',
      'GET /repos/{owner}/{repo}/contents/{path}',
      { path: 'prompts/new.md', ref: 'deadbeef' },
      404
    ],
    ['the comments', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: 7 }, 200],
    [
      'a new comment',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: 7, body: 'Hi' },
      201
    ],
    [
      'a comment without a body',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: 7 },
      422
    ],
    [
      'a too long comment',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: 7, body: 'x'.repeat(65_537) },
      422
    ],
    ['the labels', 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { issue_number: 7 }, 200],
    [
      'the open pull requests',
      'GET /repos/{owner}/{repo}/pulls',
      { state: 'open', head: 'octo-org:tune' },
      200
    ],
    [
      'the pull requests of a commit',
      'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      { commit_sha: sha.head },
      200
    ],
    [
      "a run's artifacts",
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
      { run_id: 99, name: 'promptgate-report' },
      200
    ],
    [
      "a workflow's runs of a commit",
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      { workflow_id: 161335, head_sha: sha.head, event: 'pull_request' },
      200
    ],
    [
      'an expired artifact download',
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      { artifact_id: 5_000_000_001, archive_format: 'zip' },
      410
    ],
    ['the label events', 'GET /repos/{owner}/{repo}/issues/{issue_number}/events', { issue_number: 7 }, 200],
    [
      "a user's permission",
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      { username: 'octocat' },
      200
    ]
  ]

  it.each(cases)('%s', async (_name, route, params, expectedStatus) => {
    const { status, data } = await call(route, params)
    expect(status).toBe(expectedStatus)
    expectDescribed(route, status, data)
  })

  it('an updated comment', async () => {
    const created = await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      issue_number: 7,
      body: 'a'
    })
    const route = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    const { status, data } = await call(route, { comment_id: (created.data as { id: number }).id, body: 'b' })
    expect(status).toBe(200)
    expectDescribed(route, status, data)
  })

  it('a deleted comment', async () => {
    const created = await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      issue_number: 7,
      body: 'gone soon'
    })
    const route = 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}'
    const id = (created.data as { id: number }).id
    expect((await call(route, { comment_id: id })).status).toBe(204)
    const { status, data } = await call(route, { comment_id: id })
    expect(status).toBe(404)
    expectDescribed(route, status, data)
  })

  it('the authenticated user, for a user token', async () => {
    github.state.tokenUser = { login: 'octocat', type: 'User' }
    try {
      const { status, data } = await call('GET /user')
      expect(status).toBe(200)
      expectDescribed('GET /user', status, data)
    } finally {
      github.state.tokenUser = undefined
    }
  })

  it('the authenticated user refused to an installation token', async () => {
    const { status, data } = await call('GET /user')
    expect(status).toBe(403)
    expect(data).toMatchObject({ message: 'Resource not accessible by integration' })
    expectDescribed('GET /user', status, data)
  })

  it('a refused write on a read-only token', async () => {
    github.state.readOnly = true
    try {
      const route = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
      const { status, data } = await call(route, { issue_number: 7, body: 'x' })
      expect(status).toBe(403)
      expect(data).toMatchObject({ message: 'Resource not accessible by integration' })
      expectDescribed(route, status, data)
    } finally {
      github.state.readOnly = false
    }
  })

  it('an artifact download: a 302 to storage that serves the zip without the token', async () => {
    const route = 'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}'
    const { status, headers } = await call(route, {
      artifact_id: 5_000_000_000,
      archive_format: 'zip',
      request: { redirect: 'manual' }
    })
    expect(status).toBe(302)
    expect(operationOf(route).responses['302']).toHaveProperty('headers.Location')
    const location = (headers as Record<string, string>).location ?? ''
    const download = await fetch(location)
    expect([download.status, download.headers.get('content-type')]).toEqual([200, 'application/zip'])
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 2)
        .toString()
    ).toBe('PK')
  })

  it('a wrong token', async () => {
    const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels'
    const { status, data } = await call(route, { issue_number: 7 }, 'ghs_wrong')
    expect(status).toBe(401)
    expect(data).toMatchObject({ message: 'Bad credentials' })
    expectDescribed(route, status, data)
  })

  it('announces further pages with a Link header where the description documents one', async () => {
    const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'
    const { headers } = await call(route, { pull_number: 7, per_page: 100 })
    expect(operationOf(route).responses['200']).toHaveProperty('headers.Link')
    expect(headers.link).toMatch(/<[^>]+[?&]page=2[^>]*>; rel="next", <[^>]+[?&]page=2[^>]*>; rel="last"/)
  })
})

describe('what our code sends is what GitHub describes', () => {
  let ours: RecordedRequest[]

  beforeAll(async () => {
    const octokit = createOctokit('ghs_contract', { baseUrl: github.url, retries: 0 })
    const pr = pullRequest({ owner: 'octo-org', repo: 'prompts', number: 7 })
    const from = github.requests.length
    const source = createApiChangeSource(octokit, pr)
    await source.listChangedFiles()
    await source.read(sha.base, 'prompts/old.md')
    await listLabels(octokit, pr)
    const override = await gatherOverrideEvidence(octokit, pr, 'promptgate:accept')
    expect(override).toMatchObject({ present: true, added: { actor: 'octocat' }, role: 'admin' })
    await upsertStickyComment(octokit, pr, 'first', '<!-- contract -->')
    await upsertStickyComment(octokit, pr, 'second', '<!-- contract -->')
    ours = github.requests.slice(from)
  })

  it('uses only described routes', () => {
    expect(ours.length).toBeGreaterThan(0)
    expect(ours.filter(request => request.route === undefined)).toEqual([])
    // An installation token may not read GET /user; that 403 is how we learn it is one.
    for (const request of ours.filter(request => request.route !== 'GET /user'))
      expect(request.status).toBeLessThan(300)
  })

  it('sends only described query parameters', () => expectDescribedQueries(ours))

  it('sends request bodies with the required and only described properties', () => {
    const writes = ours.filter(request => request.method !== 'GET')
    expect(writes.map(request => request.route).sort()).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
    ])
    for (const request of writes) {
      const schema = description.requestBodySchema(operationOf(request.route!))
      expect(schema).toBeDefined()
      expect(description.problems(schema!, request.body)).toEqual([])
      const properties = Object.keys((schema!.properties ?? {}) as object)
      expect(Object.keys(request.body as object).filter(key => !properties.includes(key))).toEqual([])
      expect(schema!.required).toEqual(['body'])
    }
  })
})

describe('what the workflow_run publisher sends is what GitHub describes', () => {
  let ours: RecordedRequest[]
  const run: EvaluationRun = {
    owner: 'octo-org',
    repo: 'prompts',
    runId: 99,
    workflowId: 161335,
    headSha: sha.head,
    headBranch: 'tune',
    headRepository: 'octo-org/prompts'
  }

  beforeAll(async () => {
    const octokit = createOctokit('ghs_contract', { baseUrl: github.url, retries: 0 })
    const from = github.requests.length
    await downloadReportArtifact(octokit, run)
    await verifyClaimedPullRequest(octokit, run, { pullRequest: 7, headSha: sha.head })
    expect(await headArrival(octokit, run)).toBe('2025-01-01T00:00:00Z')
    // A head GitHub does not associate by commit: found (or not) through the list of open pulls.
    const moved = { ...run, headSha: sha.base }
    await expect(
      verifyClaimedPullRequest(octokit, moved, { pullRequest: 7, headSha: sha.base })
    ).rejects.toThrow(/refused/)
    ours = github.requests.slice(from).filter(request => request.route !== 'GET artifact storage')
  })

  it('uses only described routes, and each of them', () => {
    expect([...new Set(ours.map(request => request.route))].sort()).toEqual([
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      'GET /repos/{owner}/{repo}/pulls'
    ])
    for (const request of ours) expect(request.status).toBeLessThan(400)
  })

  it('sends only described query parameters', () => expectDescribedQueries(ours))
})

describe("the fake GitHub's Git Database and Deployments routes match GitHub's described shapes", () => {
  const git = {
    blob: 'POST /repos/{owner}/{repo}/git/blobs',
    getBlob: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
    tree: 'POST /repos/{owner}/{repo}/git/trees',
    getTree: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
    commit: 'POST /repos/{owner}/{repo}/git/commits',
    getCommit: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
    createRef: 'POST /repos/{owner}/{repo}/git/refs',
    getRef: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
    updateRef: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
    deploy: 'POST /repos/{owner}/{repo}/deployments',
    status: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'
  }

  /** Calls the route, checks the status and the described shape; returns the body. */
  async function expectCall(route: string, params: Record<string, unknown>, expectedStatus: number) {
    const { status, data } = await call(route, params)
    expect({ route, status }).toEqual({ route, status: expectedStatus })
    expectDescribed(route, status, data)
    return data as Record<string, unknown> & { sha: string }
  }

  it('writes and reads blobs, trees, commits and refs, refusing what GitHub refuses', async () => {
    const blob = await expectCall(git.blob, { content: 'hello\n', encoding: 'utf-8' }, 201)
    expect(bare.git('cat-file', 'blob', blob.sha)).toBe('hello')
    await expectCall(git.blob, {}, 422)
    const fetched = await expectCall(git.getBlob, { file_sha: blob.sha }, 200)
    expect(Buffer.from(fetched.content as string, 'base64').toString()).toBe('hello\n')
    await expectCall(git.getBlob, { file_sha: 'f'.repeat(40) }, 404)

    const entry = { path: 'versions/a.json', mode: '100644', type: 'blob', sha: blob.sha }
    const tree = await expectCall(git.tree, { tree: [entry] }, 201)
    await expectCall(git.tree, { tree: [{ ...entry, sha: 'f'.repeat(40) }] }, 422)
    await expectCall(git.tree, { tree: [{ ...entry, path: '../escape' }] }, 422)
    await expectCall(git.tree, { tree: [entry], base_tree: 'f'.repeat(40) }, 422)
    const listed = await expectCall(git.getTree, { tree_sha: tree.sha, recursive: 'true' }, 200)
    expect((listed.tree as { path: string }[]).map(item => item.path)).toEqual([
      'versions',
      'versions/a.json'
    ])

    const first = await expectCall(git.commit, { message: 'one', tree: tree.sha, parents: [] }, 201)
    expect(first.parents).toEqual([])
    await expectCall(git.commit, { message: 'x', tree: 'f'.repeat(40) }, 422)
    await expectCall(git.commit, { message: 'x', tree: tree.sha, parents: ['f'.repeat(40)] }, 422)
    await expectCall(git.getCommit, { commit_sha: first.sha }, 200)
    await expectCall(git.getCommit, { commit_sha: 'f'.repeat(40) }, 404)

    const ref = 'refs/heads/promptgate/registry'
    await expectCall(git.createRef, { ref, sha: first.sha }, 201)
    const again = await call(git.createRef, { ref, sha: first.sha })
    expect([again.status, (again.data as { message: string }).message]).toEqual([
      422,
      'Reference already exists'
    ])
    expectDescribed(git.createRef, again.status, again.data)
    await expectCall(git.createRef, { ref: 'heads/x', sha: first.sha }, 422)
    const got = await expectCall(git.getRef, { ref: 'heads/promptgate/registry' }, 200)
    expect(got).toMatchObject({ ref, object: { type: 'commit', sha: first.sha } })
    // GitHub takes the ref's slashes encoded (as Octokit sends them) or as plain path segments.
    const plain = await fetch(`${github.url}/repos/octo-org/prompts/git/ref/heads/promptgate/registry`, {
      headers: { authorization: 'token ghs_contract' }
    })
    expect(plain.status).toBe(200)
    await expectCall(git.getRef, { ref: 'heads/nope' }, 404)

    const nextTree = await expectCall(
      git.tree,
      { base_tree: tree.sha, tree: [{ path: 'snapshot.json', mode: '100644', type: 'blob', content: '{}' }] },
      201
    )
    const second = await expectCall(
      git.commit,
      { message: 'two', tree: nextTree.sha, parents: [first.sha] },
      201
    )
    expect(bare.git('ls-tree', '-r', '--name-only', second.sha).split('\n')).toEqual([
      'snapshot.json',
      'versions/a.json'
    ])
    await expectCall(git.updateRef, { ref: 'heads/promptgate/registry', sha: second.sha, force: false }, 200)
    const backwards = await call(git.updateRef, { ref: 'heads/promptgate/registry', sha: first.sha })
    expect([backwards.status, (backwards.data as { message: string }).message]).toEqual([
      422,
      'Update is not a fast forward'
    ])
    expectDescribed(git.updateRef, backwards.status, backwards.data)
    expect(bare.git('rev-parse', ref)).toBe(second.sha)
    await expectCall(git.updateRef, { ref: 'heads/promptgate/registry', sha: first.sha, force: true }, 200)
    expect(bare.git('rev-parse', ref)).toBe(first.sha)
    await expectCall(git.updateRef, { ref: 'heads/missing', sha: first.sha }, 422)

    const deployment = await expectCall(
      git.deploy,
      {
        ref: first.sha,
        environment: 'prompt/triage',
        auto_merge: false,
        required_contexts: [],
        payload: { v: 1 }
      },
      201
    )
    await expectCall(git.deploy, { ref: 'no-such-branch' }, 422)
    await expectCall(git.status, { deployment_id: deployment.id, state: 'success' }, 201)
    await expectCall(git.status, { deployment_id: deployment.id, state: 'splendid' }, 422)
    await expectCall(git.status, { deployment_id: 1, state: 'success' }, 404)
  })

  it('refuses every write on a read-only token', async () => {
    github.state.readOnly = true
    try {
      for (const [route, params] of [
        [git.blob, { content: 'x' }],
        [git.tree, { tree: [] }],
        [git.commit, { message: 'x', tree: 'f'.repeat(40) }],
        [git.createRef, { ref: 'refs/heads/y', sha: 'f'.repeat(40) }],
        [git.deploy, { ref: 'main' }]
      ] as const) {
        const data = await expectCall(route, params, 403)
        expect(data.message).toBe('Resource not accessible by integration')
      }
    } finally {
      github.state.readOnly = false
    }
  })
})

describe('what the registry store, the deployment mirror and comment commands send is what GitHub describes', () => {
  let ours: RecordedRequest[]

  beforeAll(async () => {
    const octokit = createOctokit('ghs_contract', { baseUrl: github.url, retries: 0, throttle: false })
    const from = github.requests.length
    const store = createGitHubRegistryStore(octokit, {
      owner: 'octo-org',
      repo: 'prompts',
      branch: 'registry/contract'
    })
    const created = await store.write({
      files: { 'events.ndjson': 'a\n', 'versions/x.json': '{}' },
      message: 'one'
    })
    expect(created.status).toBe('committed')
    const tip = await store.read()
    expect(await tip.read('versions/x.json')).toBe('{}')
    expect(
      await store.write({ parent: tip.sha, files: { 'events.ndjson': 'a\nb\n' }, message: 'two' })
    ).toMatchObject({
      status: 'committed'
    })
    const mirrored = await mirrorChannelMove(octokit, {
      owner: 'octo-org',
      repo: 'prompts',
      prompt: 'prompts/triage.prompt.yml',
      promptName: 'triage',
      channel: 'canary',
      to: { version: 2, digest: `sha256:${'a'.repeat(64)}`, percent: 5 },
      registrySha: tip.sha!,
      logUrl: 'https://github.com/octo-org/prompts/actions/runs/1'
    })
    expect(mirrored.status).toBe('mirrored')
    const payload = issueCommentPayload('/promptgate promote triage', { login: 'octocat' })
    payload.repository.owner.login = 'octo-org'
    payload.repository.name = 'prompts'
    payload.issue.number = 7
    const command = await readCommentCommand(octokit, payload)
    expect(command).toMatchObject({ status: 'allowed' })
    await replyToComment(octokit, { owner: 'octo-org', repo: 'prompts', issueNumber: 7 }, 'Promoted.')
    ours = github.requests.slice(from)
  })

  it('uses only described routes, each without an error', () => {
    expect(ours.length).toBeGreaterThan(0)
    expect(ours.filter(request => request.route === undefined)).toEqual([])
    expect(
      ours.filter(request => request.status >= 300).map(request => `${request.route} ${request.status}`)
    ).toEqual([])
  })

  it('sends only described query parameters', () => expectDescribedQueries(ours))

  it('sends request bodies with the required and only described properties', () => {
    const writes = ours.filter(request => request.method !== 'GET')
    expect([...new Set(writes.map(request => request.route))].sort()).toEqual([
      'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
      'POST /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'POST /repos/{owner}/{repo}/git/commits',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/git/trees',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
    ])
    for (const request of writes) {
      const schema = description.requestBodySchema(operationOf(request.route!))
      expect(schema).toBeDefined()
      expect({ route: request.route, problems: description.problems(schema!, request.body) }).toEqual({
        route: request.route,
        problems: []
      })
      const properties = Object.keys((schema!.properties ?? {}) as object)
      expect(Object.keys(request.body as object).filter(key => !properties.includes(key))).toEqual([])
    }
  })
})
