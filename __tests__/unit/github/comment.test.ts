import { afterEach, describe, expect, it } from '@jest/globals'
import { ownStickyComments, upsertStickyComment } from '../../../src/github/comment.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { marker, pullRequest } from './fixtures.js'

const commentsPath = '/repos/Codertocat/Hello-World/issues/2/comments'
const human = { login: 'octocat', type: 'User' } as const

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

async function fake(state: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: [],
    contents: {},
    labels: [],
    token: 'ghs_test',
    ...state
  })
  return github
}

/**
 * One run of the action: its own client, as a new process would have. Throttling would space the
 * writes of one client seconds apart; the rate-limit tests of octokit.test.ts cover it.
 */
function run(github: FakeGitHub, body: string, options?: { createIfMissing?: boolean; headSha?: string }) {
  const octokit = createOctokit('ghs_test', {
    baseUrl: github.url,
    retries: 1,
    retryDelayUnitMs: 1,
    throttle: false
  })
  return upsertStickyComment(octokit, pullRequest(), body, marker, options)
}

const writes = (github: FakeGitHub) =>
  github.requests.filter(request => request.method !== 'GET').map(request => request.method)

describe('upsertStickyComment', () => {
  it('creates the comment on the first run and updates it on the next: one comment', async () => {
    const github = await fake({ comments: [{ body: 'Nice change', user: human }] })

    const first = await run(github, `${marker}\nRunning…`)
    const second = await run(github, `${marker}\nAll good`)

    expect(first).toEqual({
      status: 'created',
      id: expect.any(Number),
      url: expect.stringMatching(/^https:\/\/github\.com\/Codertocat\/Hello-World\/pull\/2#issuecomment-\d+$/)
    })
    expect(second).toEqual({ ...first, status: 'updated' })
    expect(github.state.comments.map(comment => comment.body)).toEqual(['Nice change', `${marker}\nAll good`])
    expect(writes(github)).toEqual(['POST', 'PATCH'])
    expect(github.unhandled()).toEqual([])
  })

  it('adds the marker when the body lacks it, so the next run finds the comment', async () => {
    const github = await fake()
    await run(github, 'Report')
    await run(github, 'Report 2')
    expect(github.state.comments.map(comment => comment.body)).toEqual([`${marker}\nReport 2`])
  })

  it('finds the comment on a later page', async () => {
    const chatter = Array.from({ length: 150 }, (_, i) => ({ body: `comment ${i}`, user: human }))
    const github = await fake({ comments: [...chatter, { id: 5_000_000_000, body: `${marker}\nold` }] })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'updated', id: 5_000_000_000 })
    expect(github.state.comments).toHaveLength(151)
    expect(
      github.requests.filter(request => request.path === commentsPath).map(request => request.query.per_page)
    ).toEqual(['100', '100'])
  })

  it("rewrites the bot's comment, not a person's reply that quotes the marker", async () => {
    const github = await fake({
      comments: [
        { id: 1_000_000_010, body: `${marker}\nbot`, created_at: '2025-01-01T00:00:00Z' },
        { id: 1_000_000_020, body: `> ${marker}\nwhy?`, user: human, created_at: '2025-01-02T00:00:00Z' }
      ]
    })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'updated', id: 1_000_000_010 })
    expect(github.state.comments[1]?.body).toBe(`> ${marker}\nwhy?`)
  })

  it('rewrites the oldest of several marked comments of ours', async () => {
    const github = await fake({
      comments: [
        { id: 1_000_000_030, body: `${marker} a`, created_at: '2025-01-03T00:00:00Z' },
        { id: 1_000_000_010, body: `${marker} b`, created_at: '2025-01-01T00:00:00Z' }
      ]
    })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'updated', id: 1_000_000_010 })
  })

  it("takes the token user's marked comment when the token is a PAT", async () => {
    const github = await fake({
      tokenUser: human,
      comments: [{ id: 1_000_000_040, body: `${marker}\nold`, user: human }]
    })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'updated', id: 1_000_000_040 })
  })

  it("never adopts another user's marked comment: it makes its own", async () => {
    const mallory = { login: 'mallory', type: 'User' } as const
    const github = await fake({ comments: [{ id: 1_000_000_050, body: `${marker}\nforged`, user: mallory }] })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'created' })
    expect(github.state.comments.map(comment => [comment.user.login, comment.body])).toEqual([
      ['mallory', `${marker}\nforged`],
      ['github-actions[bot]', `${marker}\nnew`]
    ])
  })

  it('falls back to a shorter body on 422', async () => {
    const github = await fake({ faults: [{ method: 'POST', path: commentsPath, status: 422 }] })
    const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0, throttle: false })
    const result = await upsertStickyComment(octokit, pullRequest(), 'long', marker, {
      fallbacks: () => ['short']
    })
    expect(result).toMatchObject({ status: 'created' })
    expect(github.state.comments.map(comment => comment.body)).toEqual([`${marker}\nshort`])
  })

  it('makes the shorter bodies only when GitHub refused the first', async () => {
    const github = await fake()
    const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0, throttle: false })
    let made = 0
    const fallbacks = () => {
      made += 1
      return ['short']
    }
    await upsertStickyComment(octokit, pullRequest(), 'fits', marker, { fallbacks })
    expect(made).toBe(0)
    expect(github.state.comments.map(comment => comment.body)).toEqual([`${marker}\nfits`])
  })

  it('creates the comment again when the update answers 404 (deleted since the listing)', async () => {
    const github = await fake({
      comments: [{ body: `${marker}\nold` }],
      faults: [{ method: 'PATCH', status: 404 }]
    })
    await run(github, `${marker}\nnew`)
    // The fake kept the "deleted" comment, so the new one is a duplicate: removed, the oldest updated.
    expect(writes(github)).toEqual(['PATCH', 'POST', 'DELETE', 'PATCH'])
    expect(github.state.comments.map(comment => comment.body)).toEqual([`${marker}\nnew`])
  })

  it('skips the write, and says why, when the head moved past the commit it reports', async () => {
    const github = await fake({ head: { sha: 'd'.repeat(40) } })
    const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0, throttle: false })
    const result = await upsertStickyComment(octokit, pullRequest(), 'old head', marker, {
      headSha: 'c'.repeat(40)
    })
    expect(result).toEqual({
      status: 'stale',
      message: expect.stringMatching(/head is now ddddddd, past ccccccc/)
    })
    expect(writes(github)).toEqual([])
  })

  it('deletes the duplicate when another run created one at the same moment, keeping the oldest', async () => {
    const github = await fake()
    const [first, second] = await Promise.all([run(github, `${marker}\none`), run(github, `${marker}\ntwo`)])
    expect([first.status, second.status]).toEqual(expect.arrayContaining(['created']))
    expect(github.state.comments).toHaveLength(1)
  })

  it('leaves a pull request without a comment alone when asked not to create one', async () => {
    const github = await fake()
    expect(await run(github, `${marker}\nskipped`, { createIfMissing: false })).toEqual({ status: 'absent' })
    expect(writes(github)).toEqual([])
  })

  it('still refreshes an existing comment when asked not to create one', async () => {
    const github = await fake({ comments: [{ body: `${marker}\nold` }] })
    expect(await run(github, `${marker}\nskipped`, { createIfMissing: false })).toMatchObject({
      status: 'updated'
    })
  })

  it('reports a read-only token (a fork) as forbidden, without throwing or writing', async () => {
    const github = await fake({ readOnly: true })
    const result = await run(github, `${marker}\nReport`)
    expect(result).toEqual({
      status: 'forbidden',
      message: expect.stringContaining('Resource not accessible by integration')
    })
    expect(github.state.comments).toEqual([])
  })

  it('reports a refused update as forbidden too', async () => {
    const github = await fake({ readOnly: true, comments: [{ body: `${marker}\nold` }] })
    expect(await run(github, `${marker}\nnew`)).toMatchObject({ status: 'forbidden' })
    expect(github.state.comments[0]?.body).toBe(`${marker}\nold`)
  })

  it('reports a 404 on the write as forbidden', async () => {
    const github = await fake({
      faults: [{ method: 'POST', path: commentsPath, status: 404, message: 'Not Found' }]
    })
    expect(await run(github, `${marker}\nReport`)).toEqual({
      status: 'forbidden',
      message: expect.stringContaining('404')
    })
  })

  it('throws a rate limit instead of calling it forbidden', async () => {
    const github = await fake({
      faults: [
        {
          method: 'POST',
          path: commentsPath,
          status: 403,
          message: 'API rate limit exceeded',
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
          times: 5
        }
      ]
    })
    const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0 })
    await expect(upsertStickyComment(octokit, pullRequest(), 'x', marker)).rejects.toMatchObject({
      status: 403
    })
  })

  it('does not post twice when GitHub stored the comment but answered 502', async () => {
    const github = await fake({
      faults: [{ method: 'POST', path: commentsPath, status: 502, afterEffect: true }]
    })
    expect(await run(github, `${marker}\nReport`)).toMatchObject({ status: 'updated' })
    expect(github.state.comments).toHaveLength(1)
    expect(writes(github)).toEqual(['POST', 'PATCH'])
  })

  it('posts again when a 502 stored nothing', async () => {
    const github = await fake({ faults: [{ method: 'POST', path: commentsPath, status: 502 }] })
    expect(await run(github, `${marker}\nReport`)).toMatchObject({ status: 'created' })
    expect(github.state.comments).toHaveLength(1)
    expect(writes(github)).toEqual(['POST', 'POST'])
  })

  it('gives up after a second failed post', async () => {
    const github = await fake({ faults: [{ method: 'POST', path: commentsPath, status: 502, times: 5 }] })
    await expect(run(github, `${marker}\nReport`)).rejects.toMatchObject({ status: 502 })
    expect(writes(github)).toEqual(['POST', 'POST'])
  })
})

describe('ownStickyComments', () => {
  const bot = { login: 'github-actions[bot]', type: 'Bot' }
  const installation = { login: 'github-actions[bot]', source: 'installation' } as const
  it('orders by creation, a timestamp tie by id', () => {
    const comments = [
      { id: 2, body: marker, created_at: '2025-01-01T00:00:00Z', user: bot },
      { id: 3, body: marker, created_at: '2025-01-01T00:00:00Z', user: bot },
      { id: 1, body: marker, created_at: '2025-01-02T00:00:00Z', user: bot }
    ]
    expect(ownStickyComments(comments, marker, installation).map(comment => comment.id)).toEqual([2, 3, 1])
  })
  it('ignores comments without the marker, deleted users and look-alike users', () => {
    const comments = [
      { id: 1, body: 'no marker', created_at: '2025-01-02T00:00:00Z', user: bot },
      { id: 2, body: marker, created_at: '2025-01-01T00:00:00Z', user: null },
      {
        id: 3,
        body: marker,
        created_at: '2025-01-01T00:00:00Z',
        user: { login: 'github-actions[bot]', type: 'User' }
      }
    ]
    expect(ownStickyComments(comments, marker, installation)).toEqual([])
  })
})
