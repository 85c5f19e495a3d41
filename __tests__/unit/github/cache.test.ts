import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import type { PromptVersion } from '../../../src/prompts/types.js'

class ValidationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ValidationError'
  }
}
class ReserveCacheError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReserveCacheError'
  }
}

// As the library decides it: from the variables a runner sets.
const isFeatureAvailable = jest.fn(() =>
  Boolean(process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL)
)
const restoreCache =
  jest.fn<(paths: string[], key: string, restoreKeys?: string[]) => Promise<string | undefined>>()
const saveCache = jest.fn<(paths: string[], key: string) => Promise<number>>()
jest.unstable_mockModule('@actions/cache', () => ({
  isFeatureAvailable,
  restoreCache,
  saveCache,
  ValidationError,
  ReserveCacheError
}))
const {
  emptyResultCacheDirectory,
  pullRequestNamespace,
  restoreResultCache,
  resultCacheDirectory,
  resultCacheKeys,
  saveResultCache
} = await import('../../../src/github/cache.js')
type CacheNamespace = Parameters<typeof resultCacheKeys>[0]['namespace']

const DAY = 24 * 60 * 60 * 1000
const SERVICE = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2']

let dir: string
const savedEnv: Record<string, string | undefined> = {}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptgate-actions-cache-'))
  for (const name of SERVICE) {
    savedEnv[name] = process.env[name]
    delete process.env[name]
  }
  process.env.ACTIONS_RESULTS_URL = 'https://results-receiver.actions.githubusercontent.com/'
  restoreCache.mockReset()
  saveCache.mockReset()
})
afterEach(() => {
  for (const name of SERVICE) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
  rmSync(dir, { recursive: true, force: true })
})

function version(content: string, ref = 'a'.repeat(40)): PromptVersion {
  return {
    path: 'prompts/p.prompt.yml',
    ref,
    provider: { id: 'github:openai/gpt-4o-mini' },
    parameters: { temperature: 0 },
    messages: [{ role: 'user', content }]
  }
}

function prompts(head = version('head {{n}}'), vars: Record<string, unknown> = { n: 1 }): PromptUnderTest[] {
  return [
    {
      path: 'prompts/p.prompt.yml',
      status: 'modified',
      suite: 'prompts/p.prompt.yml',
      reason: 'prompt changed',
      base: version('base {{n}}'),
      head,
      cases: [{ id: '1', vars, assert: [] }],
      thresholds: {}
    }
  ]
}

const PR_2: CacheNamespace = { event: 'pull_request', number: 2, defaultBranch: 'main' }
const parts = (overrides: Partial<Parameters<typeof resultCacheKeys>[0]> = {}) => ({
  namespace: PR_2,
  prompts: prompts(),
  runId: '4242',
  runAttempt: '1',
  ...overrides
})

/** A cache entry file as the result cache writes it, `days` old. */
function entry(name: string, days: number): string {
  const file = join(dir, name.slice(0, 2), `${name}.json`)
  mkdirSync(join(dir, name.slice(0, 2)), { recursive: true })
  writeFileSync(file, '{"version":1,"result":{"output":"a","latencyMs":1}}')
  const when = new Date(Date.now() - days * DAY)
  utimesSync(file, when, when)
  return file
}

describe('resultCacheKeys', () => {
  const pushMain: CacheNamespace = { event: 'push', branch: 'main' }

  it("saves a pull request's cache in its own namespace and restores from it, then from the default branch's pushes", () => {
    const { primaryKey, restoreKeys, save } = resultCacheKeys(parts())
    expect(primaryKey).toMatch(/^promptgate-v2-pr-2-[0-9a-f]{16}-4242-1$/)
    const head = primaryKey.slice(0, -'4242-1'.length)
    expect(restoreKeys).toEqual([head, 'promptgate-v2-pr-2-', 'promptgate-v2-push-main-'])
    expect(save).toBe(true)
    expect(resultCacheKeys(parts({ runAttempt: undefined })).primaryKey).toBe(`${head}4242`)
  })

  it("never restores another pull request's cache: no restore key is a prefix of another's keys", () => {
    const two = resultCacheKeys(parts())
    const twenty = resultCacheKeys(parts({ namespace: { ...PR_2, number: 20 } }))
    const three = resultCacheKeys(parts({ namespace: { ...PR_2, number: 3 } }))
    for (const other of [twenty, three]) {
      expect(two.restoreKeys.some(prefix => other.primaryKey.startsWith(prefix))).toBe(false)
      expect(other.restoreKeys.some(prefix => two.primaryKey.startsWith(prefix))).toBe(false)
    }
    // The push namespace ends at its branch: branch "main-x" is not "main".
    const mainX = resultCacheKeys(parts({ namespace: { event: 'push', branch: 'main-x' } }))
    expect(mainX.primaryKey).toMatch(/^promptgate-v2-push-main%2Dx-/)
    expect(two.restoreKeys.some(prefix => mainX.primaryKey.startsWith(prefix))).toBe(false)
    expect(resultCacheKeys(parts({ namespace: { event: 'push', branch: 'feature/x' } })).primaryKey).toMatch(
      /^promptgate-v2-push-feature%2Fx-/
    )
  })

  it('restores a push run from its own branch only, and saves there', () => {
    const { primaryKey, restoreKeys, save } = resultCacheKeys(parts({ namespace: pushMain }))
    expect(primaryKey).toMatch(/^promptgate-v2-push-main-[0-9a-f]{16}-4242-1$/)
    expect(restoreKeys).toEqual([primaryKey.slice(0, -'4242-1'.length), 'promptgate-v2-push-main-'])
    expect(save).toBe(true)
  })

  it('lets a pull_request_target run restore only from the default branch, and never save', () => {
    const keys = resultCacheKeys(parts({ namespace: { ...PR_2, event: 'pull_request_target' } }))
    expect(keys.primaryKey.startsWith('promptgate-v2-push-main-')).toBe(true)
    expect(keys.restoreKeys).toEqual(['promptgate-v2-push-main-'])
    expect(keys.save).toBe(false)
  })

  it('keeps the head part when only the commit moves, and changes it with the head messages or test data', () => {
    const head = (keyParts: ReturnType<typeof parts>) => resultCacheKeys(keyParts).restoreKeys[0]
    const original = head(parts())
    expect(head(parts({ prompts: prompts(version('head {{n}}', 'b'.repeat(40))) }))).toBe(original)
    expect(head(parts({ prompts: prompts(version('head, reworded {{n}}')) }))).not.toBe(original)
    expect(head(parts({ prompts: prompts(undefined, { n: 2 }) }))).not.toBe(original)
    const baseChanged = prompts()
    baseChanged[0]!.base = version('another base {{n}}')
    expect(head(parts({ prompts: baseChanged }))).toBe(original)
  })
})

describe('pullRequestNamespace', () => {
  const pr = { number: 7, baseRef: 'release' }
  it("takes the default branch from the payload's repository, else the base branch", () => {
    expect(pullRequestNamespace('pull_request', pr, { repository: { default_branch: 'main' } })).toEqual({
      event: 'pull_request',
      number: 7,
      defaultBranch: 'main'
    })
    expect(pullRequestNamespace('pull_request_target', pr, {})).toEqual({
      event: 'pull_request_target',
      number: 7,
      defaultBranch: 'release'
    })
  })
})

describe('the result cache directory', () => {
  it('is promptgate-cache under RUNNER_TEMP', () => {
    expect(resultCacheDirectory({ RUNNER_TEMP: '/runner/_temp' })).toBe('/runner/_temp/promptgate-cache')
  })

  it('is emptied, and a symlink in its place removed without touching what it points at', async () => {
    const cacheDir = join(dir, 'promptgate-cache')
    entry('ab'.padEnd(64, '0'), 0)
    const planted = join(dir, 'ab', `${'ab'.padEnd(64, '0')}.json`)
    symlinkSync(dir, cacheDir)
    await emptyResultCacheDirectory(cacheDir)
    expect(lstatSync(cacheDir).isDirectory()).toBe(true)
    expect(readdirSync(cacheDir)).toEqual([])
    expect(existsSync(planted)).toBe(true)
    writeFileSync(join(cacheDir, 'left-over.json'), '{}')
    await emptyResultCacheDirectory(cacheDir)
    expect(readdirSync(cacheDir)).toEqual([])
  })
})

describe('restoreResultCache', () => {
  it('restores into the directory with the primary key and the restore keys', async () => {
    restoreCache.mockResolvedValue('promptgate-v2-pr-2-0123456789abcdef-4000-1')
    const outcome = await restoreResultCache(dir, parts())
    const { primaryKey, restoreKeys } = resultCacheKeys(parts())
    expect(restoreCache).toHaveBeenCalledWith([dir], primaryKey, restoreKeys)
    expect(outcome).toEqual({
      status: 'restored',
      key: 'promptgate-v2-pr-2-0123456789abcdef-4000-1',
      message: 'restored the result cache promptgate-v2-pr-2-0123456789abcdef-4000-1'
    })
  })

  it('says so when there is no saved cache yet', async () => {
    restoreCache.mockResolvedValue(undefined)
    expect(await restoreResultCache(dir, parts())).toMatchObject({ status: 'missed' })
  })

  it('returns a message, and asks nothing, without the cache service', async () => {
    delete process.env.ACTIONS_RESULTS_URL
    const outcome = await restoreResultCache(dir, parts())
    expect(outcome.status).toBe('unavailable')
    expect(outcome.message).toContain('ACTIONS_CACHE_URL')
    expect(restoreCache).not.toHaveBeenCalled()
  })

  it('returns a message when the library finds the service incomplete', async () => {
    isFeatureAvailable.mockReturnValueOnce(false)
    expect(await restoreResultCache(dir, parts())).toMatchObject({ status: 'unavailable' })
    expect(restoreCache).not.toHaveBeenCalled()
  })

  it('turns a library error into a message', async () => {
    restoreCache.mockRejectedValue(
      new ValidationError('Key Validation Error: keys are limited to 512 characters')
    )
    const outcome = await restoreResultCache(dir, parts())
    expect(outcome).toEqual({
      status: 'failed',
      message:
        'could not restore the result cache (ValidationError: Key Validation Error: keys are limited to 512 characters); the run goes on without it'
    })
  })
})

describe('saveResultCache', () => {
  it('saves the directory under the primary key', async () => {
    entry('ab'.padEnd(64, '0'), 0)
    saveCache.mockResolvedValue(17)
    const outcome = await saveResultCache(dir, parts(), { writes: 3 })
    const { primaryKey } = resultCacheKeys(parts())
    expect(saveCache).toHaveBeenCalledWith([dir], primaryKey)
    expect(outcome).toEqual({
      status: 'saved',
      key: primaryKey,
      message: `saved the result cache ${primaryKey}`
    })
  })

  it('drops entries unused for 30 days before saving', async () => {
    const stale = entry('ab'.padEnd(64, '0'), 31)
    const fresh = entry('cd'.padEnd(64, '0'), 29)
    saveCache.mockImplementation(async () => {
      expect([existsSync(stale), existsSync(fresh)]).toEqual([false, true])
      return 1
    })
    expect(await saveResultCache(dir, parts(), { writes: 1 })).toMatchObject({ status: 'saved' })
    expect(saveCache).toHaveBeenCalledTimes(1)
  })

  it('never saves under pull_request_target, however much the run wrote', async () => {
    entry('ab'.padEnd(64, '0'), 0)
    const target = parts({ namespace: { ...PR_2, event: 'pull_request_target' } })
    const outcome = await saveResultCache(dir, target, { writes: 5 })
    expect(outcome).toMatchObject({ status: 'skipped' })
    expect(outcome.message).toContain('pull_request_target')
    expect(saveCache).not.toHaveBeenCalled()
  })

  it('skips the save when the run wrote nothing new', async () => {
    entry('ab'.padEnd(64, '0'), 0)
    expect(await saveResultCache(dir, parts(), { writes: 0 })).toMatchObject({ status: 'skipped' })
    expect(saveCache).not.toHaveBeenCalled()
  })

  it('skips the save of an empty or missing directory', async () => {
    expect(await saveResultCache(join(dir, 'missing'), parts())).toMatchObject({ status: 'skipped' })
    expect(await saveResultCache(dir, parts())).toMatchObject({ status: 'skipped' })
    expect(saveCache).not.toHaveBeenCalled()
  })

  it('returns a message without the cache service', async () => {
    delete process.env.ACTIONS_RESULTS_URL
    entry('ab'.padEnd(64, '0'), 0)
    expect(await saveResultCache(dir, parts(), { writes: 1 })).toMatchObject({ status: 'unavailable' })
    expect(saveCache).not.toHaveBeenCalled()
  })

  it('turns a reservation conflict into a message', async () => {
    entry('ab'.padEnd(64, '0'), 0)
    saveCache.mockRejectedValue(
      new ReserveCacheError('Unable to reserve cache with key k, another job may be creating this cache.')
    )
    const outcome = await saveResultCache(dir, parts(), { writes: 1 })
    expect(outcome.status).toBe('failed')
    expect(outcome.message).toContain('ReserveCacheError: Unable to reserve cache')
  })

  it('reports a save the library gave up on (-1) as failed', async () => {
    entry('ab'.padEnd(64, '0'), 0)
    saveCache.mockResolvedValue(-1)
    expect(await saveResultCache(dir, parts(), { writes: 1 })).toMatchObject({ status: 'failed' })
  })
})
