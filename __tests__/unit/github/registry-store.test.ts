import { execFileSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { createGitHubRegistryStore } from '../../../src/github/registry-store.js'
import type { RegistryStore } from '../../../src/registry/store.js'
import { createBareRepo, type BareRepo } from '../../helpers/bare-repo.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { createTwoCommitRepo } from '../../helpers/git-repo.js'

const branch = 'promptgate/registry'
let bare: BareRepo
let github: FakeGitHub

beforeEach(() => {
  bare = createBareRepo()
})

afterEach(async () => {
  await github?.close()
  bare.remove()
})

async function start(options: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  github = await startFakeGitHub({
    owner: 'octo-org',
    repo: 'prompts',
    number: 1,
    files: [],
    contents: {},
    labels: [],
    token: 'ghs_registry',
    gitDir: bare.dir,
    ...options
  })
  return github
}

function store(): RegistryStore {
  const octokit = createOctokit('ghs_registry', { baseUrl: github.url, retries: 0, throttle: false })
  return createGitHubRegistryStore(octokit, { owner: 'octo-org', repo: 'prompts', branch })
}

const tip = (): string => bare.git('rev-parse', `refs/heads/${branch}`)
const show = (rev: string, path: string): string => bare.git('show', `${rev}:${path}`)
const parentsOf = (sha: string): string[] =>
  bare.git('rev-list', '--parents', '-n', '1', sha).split(' ').slice(1)

describe('the registry branch through the Git Database API', () => {
  it('reads a branch that does not exist as empty', async () => {
    await start()
    const empty = await store().read()
    expect(empty.sha).toBeUndefined()
    expect(await empty.read('snapshot.json')).toBeUndefined()
    expect(await empty.list('versions')).toEqual([])
    const refRequest = github.requests.find(request => request.route?.includes('/git/ref/'))
    expect(refRequest).toMatchObject({ path: `/repos/octo-org/prompts/git/ref/heads/${branch}`, status: 404 })
  })

  it('creates the branch as an orphan commit and reads it back, nested paths included', async () => {
    await start()
    const registry = store()
    const outcome = await registry.write({
      files: { 'events.ndjson': '{"type":"version_registered"}\n', 'versions/abc.json': '{"version":1}\n' },
      message: 'Register v1'
    })
    expect(outcome).toEqual({ status: 'committed', sha: tip() })
    const sha = tip()
    expect(parentsOf(sha)).toEqual([])
    expect(bare.git('log', '-1', '--format=%s', sha)).toBe('Register v1')
    expect(bare.git('ls-tree', '-r', '--name-only', sha).split('\n')).toEqual([
      'events.ndjson',
      'versions/abc.json'
    ])
    expect(show(sha, 'versions/abc.json')).toBe('{"version":1}')

    const read = await registry.read()
    expect(read.sha).toBe(sha)
    expect(await read.read('versions/abc.json')).toBe('{"version":1}\n')
    expect(await read.read('events.ndjson')).toBe('{"type":"version_registered"}\n')
    expect(await read.read('versions')).toBeUndefined()
    expect(await read.read('nope.json')).toBeUndefined()
    expect(await read.list('versions')).toEqual(['versions/abc.json'])
    expect(await read.list('versions/')).toEqual(['versions/abc.json'])
    expect(await read.list('nothing')).toEqual([])
  })

  it('writes a second commit on top, keeping the files it does not name', async () => {
    await start()
    const registry = store()
    const first = await registry.write({
      files: { 'snapshot.json': '{"v":1}', 'versions/a.json': 'A' },
      message: 'one'
    })
    const parent = (await registry.read()).sha
    const second = await registry.write({
      parent,
      files: { 'snapshot.json': '{"v":2}', 'versions/b.json': 'B', 'deep/er/c.txt': 'C' },
      message: 'two'
    })
    expect(second.status).toBe('committed')
    const sha = tip()
    expect(second).toEqual({ status: 'committed', sha })
    expect(parentsOf(sha)).toEqual([(first as { sha: string }).sha])
    expect(bare.git('ls-tree', '-r', '--name-only', sha).split('\n').sort()).toEqual([
      'deep/er/c.txt',
      'snapshot.json',
      'versions/a.json',
      'versions/b.json'
    ])
    const read = await registry.read()
    expect(await read.read('snapshot.json')).toBe('{"v":2}')
    expect(await read.read('versions/a.json')).toBe('A')
    expect(await read.list('versions')).toEqual(['versions/a.json', 'versions/b.json'])
    expect(await read.list('deep')).toEqual(['deep/er/c.txt'])
  })

  it('writes a change as three requests, a tree with the files inline, a commit and a ref', async () => {
    await start()
    const registry = store()
    const parent = (await registry.write({ files: { 'snapshot.json': '{}' }, message: 'one' })) as {
      sha: string
    }
    const from = github.requests.length
    const files = {
      'events.ndjson': '{"reason":"stable v1 → v2, by ünïcødé"}\n',
      'snapshot.json': '{"v":2}\n',
      'flags.flagd.json': '{}\n',
      'versions/b.json': 'B\n'
    }
    expect(await registry.write({ parent: parent.sha, files, message: 'two' })).toEqual({
      status: 'committed',
      sha: tip()
    })
    const writes = github.requests.slice(from).filter(request => request.method !== 'GET')
    expect(writes.map(request => request.route)).toEqual([
      'POST /repos/{owner}/{repo}/git/trees',
      'POST /repos/{owner}/{repo}/git/commits',
      'PATCH /repos/{owner}/{repo}/git/refs/{ref}'
    ])
    expect((writes[0]?.body as { tree: unknown[] }).tree).toHaveLength(4)
    const read = await registry.read()
    for (const [path, text] of Object.entries(files)) expect(await read.read(path)).toBe(text)
  })

  it('fetches a blob once, however often and at however many tips it is read', async () => {
    await start()
    const registry = store()
    await registry.write({ files: { 'versions/a.json': 'A', 'snapshot.json': '1' }, message: 'one' })
    const first = await registry.read()
    await first.read('versions/a.json')
    await first.read('versions/a.json')
    await registry.write({ parent: first.sha, files: { 'snapshot.json': '2' }, message: 'two' })
    const second = await registry.read()
    expect(await second.read('versions/a.json')).toBe('A')
    expect(await second.read('snapshot.json')).toBe('2')
    const blobReads = github.requests.filter(
      request => request.route === 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}'
    )
    expect(blobReads).toHaveLength(2)
  })

  it('completes a truncated tree listing by walking the subtrees', async () => {
    await start({ treeEntryLimit: 2 })
    const registry = store()
    const files = { 'a.txt': 'a', 'versions/x/1.json': '1', 'versions/y.json': 'y', 'events.ndjson': 'e' }
    await registry.write({ files, message: 'many' })
    const read = await registry.read()
    expect(await read.list('versions')).toEqual(['versions/x/1.json', 'versions/y.json'])
    expect(await read.read('versions/x/1.json')).toBe('1')
    expect(await read.read('events.ndjson')).toBe('e')
    const listings = github.requests.filter(
      request => request.route === 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}'
    )
    expect(listings.filter(request => request.query.recursive === undefined).length).toBeGreaterThanOrEqual(3)
  })

  it('lets exactly one of two writers on the same tip commit; the other is told the branch moved', async () => {
    await start()
    await store().write({ files: { 'events.ndjson': 'first\n' }, message: 'one' })
    const [alice, bob] = [store(), store()]
    const [aliceTip, bobTip] = await Promise.all([alice.read(), bob.read()])
    expect(aliceTip.sha).toBe(bobTip.sha)
    const append = async (who: RegistryStore, at: typeof aliceTip, line: string) =>
      who.write({
        parent: at.sha,
        files: { 'events.ndjson': `${await at.read('events.ndjson')}${line}\n` },
        message: line
      })
    const outcomes = await Promise.all([append(alice, aliceTip, 'alice'), append(bob, bobTip, 'bob')])
    const statuses = outcomes.map(outcome => outcome.status).sort()
    expect(statuses).toEqual(['committed', 'moved'])
    const winner = outcomes.find(outcome => outcome.status === 'committed') as { sha: string }
    expect(tip()).toBe(winner.sha)
    expect(parentsOf(winner.sha)).toEqual([aliceTip.sha])

    // The loser retries on the new tip: both lines end up on the branch, none overwritten.
    const loser =
      outcomes[0]!.status === 'moved' ? { store: alice, line: 'alice' } : { store: bob, line: 'bob' }
    const fresh = await loser.store.read()
    expect(fresh.sha).toBe(winner.sha)
    expect(await append(loser.store, fresh, loser.line)).toMatchObject({ status: 'committed' })
    const lines = show(tip(), 'events.ndjson').split('\n')
    expect(lines[0]).toBe('first')
    expect(lines.slice(1).sort()).toEqual(['alice', 'bob'])
  })

  it('lets exactly one of two writers create the branch', async () => {
    await start()
    const outcomes = await Promise.all([
      store().write({ files: { 'snapshot.json': 'a' }, message: 'a' }),
      store().write({ files: { 'snapshot.json': 'b' }, message: 'b' })
    ])
    expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['committed', 'moved'])
    const winner = outcomes.find(outcome => outcome.status === 'committed') as { sha: string }
    expect(tip()).toBe(winner.sha)
  })

  it('says the token needs contents: write when GitHub refuses the write', async () => {
    await start({ readOnly: true })
    const failure = await store()
      .write({ files: { 'snapshot.json': '{}' }, message: 'x' })
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(UserError)
    expect((failure as UserError).message).toMatch(/403: Resource not accessible by integration/)
    expect((failure as UserError).message).toMatch(/permissions: contents: write/)
    expect(bare.git('for-each-ref')).toBe('')
  })

  it("writes into a work tree's repository without touching its checkout or its other branches", async () => {
    const repo = createTwoCommitRepo({ 'a.txt': 'base' }, { 'a.txt': 'head' })
    try {
      await start({ gitDir: repo.dir })
      const outcome = await store().write({ files: { 'snapshot.json': '{}' }, message: 'registry' })
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim()
      expect(outcome).toEqual({ status: 'committed', sha: git('rev-parse', `refs/heads/${branch}`) })
      expect(git('rev-parse', 'main')).toBe(repo.headSha)
      expect(git('status', '--porcelain')).toBe('')
      expect(git('rev-list', '--count', `refs/heads/${branch}`)).toBe('1')
    } finally {
      repo.remove()
    }
  })

  it('leaves the branch where it was when GitHub refuses to move it', async () => {
    await start()
    const registry = store()
    await registry.write({ files: { 'snapshot.json': '1' }, message: 'one' })
    const before = tip()
    github.state.faults.push({
      method: 'PATCH',
      status: 403,
      message: 'Resource not accessible by integration'
    })
    const failure = await registry
      .write({ parent: before, files: { 'snapshot.json': '2' }, message: 'two' })
      .catch((error: unknown) => error)
    expect((failure as UserError).message).toMatch(/contents: write/)
    expect(tip()).toBe(before)
    expect(show(tip(), 'snapshot.json')).toBe('1')
  })

  it('does not blame the token for a parent commit GitHub does not have', async () => {
    await start()
    const failure = await store()
      .write({ parent: 'f'.repeat(40), files: { 'snapshot.json': '{}' }, message: 'x' })
      .catch((error: unknown) => error)
    expect(failure).not.toBeInstanceOf(UserError)
    expect((failure as { status?: number }).status).toBe(404)
    expect(github.requests.filter(request => request.method !== 'GET')).toEqual([])
  })

  it('passes on other failures as they are', async () => {
    await start({ faults: [{ method: 'POST', path: '/repos/octo-org/prompts/git/commits', status: 500 }] })
    const failure = await store()
      .write({ files: { 'snapshot.json': '{}' }, message: 'x' })
      .catch((error: unknown) => error)
    expect(failure).not.toBeInstanceOf(UserError)
    expect((failure as { status?: number }).status).toBe(500)
  })
})
