import { afterEach, describe, expect, it } from '@jest/globals'
import { createBareRepo } from '../../helpers/bare-repo.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { sha } from './fixtures.js'

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

async function fake(state: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  github = await startFakeGitHub({
    owner: 'octo-org',
    repo: 'prompts',
    number: 3,
    files: Array.from({ length: 75 }, (_, i) => ({ filename: `f${i}.md`, status: 'added' })),
    contents: { [sha.base]: { 'a.md': 'base text' }, [sha.head]: { 'a.md': 'head text' } },
    labels: [],
    base: { ref: 'main', sha: sha.base },
    head: { ref: 'tune', sha: sha.head },
    ...state
  })
  return github
}

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${github!.url}${path}`, { headers })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown }
}

const files = '/repos/octo-org/prompts/pulls/3/files'

describe('fake GitHub pagination', () => {
  it('serves 30 items a page by default, with next and last links', async () => {
    await fake()
    const page = await get(files)
    expect(page.json()).toHaveLength(30)
    expect(page.headers.get('link')).toBe(
      `<${github!.url}${files}?per_page=30&page=2>; rel="next", <${github!.url}${files}?per_page=30&page=3>; rel="last"`
    )
  })

  it('caps per_page at 100 and links back from later pages', async () => {
    await fake()
    expect((await get(`${files}?per_page=500`)).json()).toHaveLength(75)
    const last = await get(`${files}?per_page=50&page=2`)
    expect(last.json()).toHaveLength(25)
    expect(last.headers.get('link')).toBe(
      `<${github!.url}${files}?per_page=50&page=1>; rel="prev", <${github!.url}${files}?per_page=50&page=1>; rel="first"`
    )
  })

  it('answers an empty list past the last page', async () => {
    await fake()
    const past = await get(`${files}?per_page=50&page=9`)
    expect(past.json()).toEqual([])
  })

  it("lists no more than GitHub's 3,000 files", async () => {
    await fake({ files: Array.from({ length: 3100 }, (_, i) => ({ filename: `f${i}`, status: 'modified' })) })
    expect((await get(`${files}?per_page=100&page=30`)).json()).toHaveLength(100)
    expect((await get(`${files}?per_page=100&page=31`)).json()).toEqual([])
    expect((await get('/repos/octo-org/prompts/pulls/3')).json()).toMatchObject({ changed_files: 3100 })
  })
})

describe('fake GitHub contents', () => {
  it('serves raw text under every raw media type spelling', async () => {
    await fake()
    for (const accept of [
      'application/vnd.github.raw+json',
      'application/vnd.github.v3.raw',
      'application/vnd.github.raw'
    ]) {
      const raw = await get(`/repos/octo-org/prompts/contents/a.md?ref=${sha.head}`, { accept })
      expect({ accept, text: raw.text, type: raw.headers.get('content-type') }).toEqual({
        accept,
        text: 'head text',
        type: 'text/plain; charset=utf-8'
      })
    }
  })

  it('serves base64 JSON, wrapped as GitHub wraps it, without a raw media type', async () => {
    await fake({ contents: { main: { 'long.md': 'x'.repeat(100) } } })
    const file = (await get('/repos/octo-org/prompts/contents/long.md?ref=main')).json() as {
      content: string
      encoding: string
      size: number
    }
    expect(file).toMatchObject({ encoding: 'base64', size: 100 })
    expect(file.content.split('\n').map(line => line.length)).toEqual([60, 60, 16, 0])
    expect(Buffer.from(file.content, 'base64').toString()).toBe('x'.repeat(100))
  })

  it('resolves branch names to the base and head commits, and the default branch without a ref', async () => {
    await fake()
    const raw = { accept: 'application/vnd.github.raw+json' }
    expect((await get('/repos/octo-org/prompts/contents/a.md?ref=tune', raw)).text).toBe('head text')
    expect((await get('/repos/octo-org/prompts/contents/a.md', raw)).text).toBe('base text')
  })

  it("answers GitHub's 404 bodies", async () => {
    await fake()
    const missing = await get(`/repos/octo-org/prompts/contents/nope.md?ref=${sha.head}`)
    expect(missing.status).toBe(404)
    expect(missing.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content',
      status: '404'
    })
    expect((await get('/repos/octo-org/prompts/contents/a.md?ref=nope')).json()).toMatchObject({
      message: 'No commit found for the ref nope'
    })
  })
})

describe('fake GitHub requests', () => {
  it('answers 401 to a wrong token when a token is set', async () => {
    await fake({ token: 'ghs_right' })
    expect((await get('/repos/octo-org/prompts/pulls/3', { authorization: 'token ghs_wrong' })).status).toBe(
      401
    )
    expect((await get('/repos/octo-org/prompts/pulls/3', { authorization: 'Bearer ghs_right' })).status).toBe(
      200
    )
  })

  it('records unknown routes as unhandled 404s', async () => {
    await fake()
    const unknown = await get('/repos/octo-org/prompts/check-runs')
    expect(unknown.status).toBe(404)
    expect(github!.unhandled()).toEqual([
      expect.objectContaining({ method: 'GET', path: '/repos/octo-org/prompts/check-runs', status: 404 })
    ])
  })

  it('records method, decoded path, query, body and headers', async () => {
    await fake()
    await fetch(`${github!.url}/repos/octo-org/prompts/issues/3/comments?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: JSON.stringify({ body: 'hi' })
    })
    expect(github!.requests[0]).toMatchObject({
      method: 'POST',
      path: '/repos/octo-org/prompts/issues/3/comments',
      query: { x: '1' },
      body: { body: 'hi' },
      headers: expect.objectContaining({ 'x-test': 'yes' }),
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      status: 201
    })
  })

  it('answers a fault the given number of times, then the real thing', async () => {
    await fake({ faults: [{ path: /\/pulls\/3$/, status: 503, times: 2 }] })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await get('/repos/octo-org/prompts/pulls/3')).status)
    expect(statuses).toEqual([503, 503, 200])
    expect(github!.unhandled()).toEqual([])
  })

  it('gives comments ids, links and the Actions bot as author', async () => {
    await fake()
    const response = await fetch(`${github!.url}/repos/octo-org/prompts/issues/3/comments`, {
      method: 'POST',
      body: JSON.stringify({ body: 'hi' })
    })
    const comment = (await response.json()) as Record<string, unknown>
    expect(response.headers.get('location')).toBe(comment.url)
    expect(comment).toMatchObject({
      html_url: `https://github.com/octo-org/prompts/pull/3#issuecomment-${comment.id as number}`,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    })
    expect(github!.state.comments).toEqual([expect.objectContaining({ id: comment.id, body: 'hi' })])
  })

  it('refuses to start with a status GitHub does not use', async () => {
    await expect(
      startFakeGitHub({
        owner: 'o',
        repo: 'r',
        number: 1,
        files: [{ filename: 'a', status: 'deleted' }],
        contents: {},
        labels: []
      })
    ).rejects.toThrow(/"deleted" is not a diff status/)
  })
})

describe("the fake GitHub's refs on a real repository", () => {
  it('lets exactly one of two racing fast-forwards win, both children of the same tip', async () => {
    const bare = createBareRepo()
    try {
      await fake({ gitDir: bare.dir })
      const api = `${github!.url}/repos/octo-org/prompts/git`
      const send = async (method: string, path: string, body: unknown) => {
        const response = await fetch(`${api}/${path}`, { method, body: JSON.stringify(body) })
        return { status: response.status, json: (await response.json()) as Record<string, unknown> }
      }
      const tree = (
        await send('POST', 'trees', { tree: [{ path: 'a.txt', mode: '100644', type: 'blob', content: 'a' }] })
      ).json.sha
      const commit = async (message: string, parents: string[]) =>
        (await send('POST', 'commits', { message, tree, parents })).json.sha as string
      const root = await commit('root', [])
      expect((await send('POST', 'refs', { ref: 'refs/heads/a/b', sha: root })).status).toBe(201)
      for (let round = 0; round < 5; round++) {
        const tip = bare.git('rev-parse', 'refs/heads/a/b')
        const [left, right] = await Promise.all([
          commit(`left ${round}`, [tip]),
          commit(`right ${round}`, [tip])
        ])
        const answers = await Promise.all([
          send('PATCH', 'refs/heads/a/b', { sha: left }),
          send('PATCH', 'refs/heads/a/b', { sha: right })
        ])
        expect(answers.map(answer => answer.status).sort()).toEqual([200, 422])
        const winner = answers[0]!.status === 200 ? left : right
        expect(bare.git('rev-parse', 'refs/heads/a/b')).toBe(winner)
        expect(answers.find(answer => answer.status === 422)?.json.message).toBe(
          'Update is not a fast forward'
        )
      }
    } finally {
      bare.remove()
    }
  })
})
