import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as actionsCache from '@actions/cache'
import {
  actionsCacheEnv,
  scopesFor,
  startFakeActionsCache,
  type CacheScope,
  type FakeActionsCache
} from '../../helpers/fake-actions-cache.js'

// The real client against the fake: the routes it calls must be the ones the fake answers.
let fake: FakeActionsCache
let root: string
const saved = { ...process.env }

beforeAll(async () => {
  // The client logs every request as a workflow command; the test reads what the fake recorded instead.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  fake = await startFakeActionsCache()
  root = mkdtempSync(join(tmpdir(), 'promptgate-fake-cache-'))
  mkdirSync(join(root, 'workspace'))
  mkdirSync(join(root, 'temp'))
  process.env.GITHUB_WORKSPACE = join(root, 'workspace')
  process.env.RUNNER_TEMP = join(root, 'temp')
  process.env.GITHUB_SERVER_URL = 'https://github.com'
})
afterAll(async () => {
  jest.restoreAllMocks()
  process.env = saved
  rmSync(root, { recursive: true, force: true })
  await fake.close()
})

const dir = () => join(root, 'temp', 'promptgate-cache')
const main: CacheScope[] = [{ scope: 'refs/heads/main', permission: 3 }]
const pr = (n: number): CacheScope[] => [
  { scope: `refs/pull/${n}/merge`, permission: 3 },
  { scope: 'refs/heads/main', permission: 1 }
]

function as(scopes: CacheScope[]): void {
  Object.assign(process.env, actionsCacheEnv(fake, scopes))
}

async function save(scopes: CacheScope[], key: string, content: string): Promise<number> {
  as(scopes)
  rmSync(dir(), { recursive: true, force: true })
  mkdirSync(dir())
  writeFileSync(join(dir(), 'entry.json'), content)
  return actionsCache.saveCache([dir()], key)
}

async function restore(scopes: CacheScope[], key: string, restoreKeys: string[]) {
  as(scopes)
  rmSync(dir(), { recursive: true, force: true })
  const matched = await actionsCache.restoreCache([dir()], key, restoreKeys)
  const content = matched === undefined ? undefined : readFileSync(join(dir(), 'entry.json'), 'utf8')
  return { matched, content }
}

describe('the fake Actions cache service, driven by the real @actions/cache client', () => {
  it('saves an archive and restores it by exact key and by prefix', async () => {
    expect(await save(main, 'k-main-1', 'one')).toBeGreaterThan(0)
    expect(actionsCache.isFeatureAvailable()).toBe(true)
    expect(await restore(main, 'k-main-1', [])).toEqual({ matched: 'k-main-1', content: 'one' })
    expect(await save(main, 'k-main-2', 'two')).toBeGreaterThan(0)
    expect(await restore(main, 'k-none', ['k-main-'])).toEqual({ matched: 'k-main-2', content: 'two' })
    expect(fake.entries.every(entry => entry.scope === 'refs/heads/main' && entry.finalized)).toBe(true)
  })

  it("scopes like GitHub: a pull request reads its own and the base branch's entries, never another's", async () => {
    expect(await save(pr(2), 'k-pr-2', 'two')).toBeGreaterThan(0)
    expect(fake.saves.at(-1)).toMatchObject({ key: 'k-pr-2', scope: 'refs/pull/2/merge' })
    expect(await restore(pr(2), 'x', ['k-pr-'])).toEqual({ matched: 'k-pr-2', content: 'two' })
    expect(await restore(pr(3), 'x', ['k-pr-'])).toEqual({ matched: undefined, content: undefined })
    expect((await restore(pr(3), 'x', ['k-main-'])).matched).toBe('k-main-2')
    expect(fake.lookups.at(-1)).toMatchObject({
      restoreKeys: ['k-main-'],
      scopes: ['refs/pull/3/merge', 'refs/heads/main']
    })
  })

  it('refuses a save without a writable scope, and a key saved twice', async () => {
    expect(await save([{ scope: 'refs/heads/main', permission: 1 }], 'k-read-only', 'x')).toBe(-1)
    expect(await save(main, 'k-main-1', 'again')).toBe(-1)
    expect((await restore(main, 'k-main-1', [])).content).toBe('one')
  })

  it('gives each event the scopes a runner gives it', () => {
    const payload = {
      pull_request: { number: 7, base: { ref: 'main' } },
      repository: { default_branch: 'main' }
    }
    expect(scopesFor('pull_request', payload)).toEqual(pr(7))
    expect(scopesFor('pull_request_target', payload)).toEqual(main)
    expect(scopesFor('push', { ref: 'refs/heads/main', repository: { default_branch: 'main' } })).toEqual(
      main
    )
  })
})
