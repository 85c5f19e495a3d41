import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { errorMessage } from '../errors.js'
import { pruneResultCache } from '../eval/cache.js'
import { stableStringify } from '../eval/hash.js'
import type { PromptUnderTest } from '../eval/types.js'

/** Bump when the cache directory's layout changes, so no run restores an incompatible one. */
export const CACHE_KEY_PREFIX = 'promptgate-v1-'
/** Entries no run has used for this long are dropped before saving, so the saved cache stays bounded. */
export const UNUSED_ENTRY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000

type ActionsCache = typeof import('@actions/cache')

/** Loaded only when a cache service is there: the library and its Azure client are a chunk of their own. */
const loadActionsCache = (): Promise<ActionsCache> => import('@actions/cache')

export interface CacheKeyParts {
  /** The prompts under test; their head versions and test data make up the middle of the key. */
  prompts: PromptUnderTest[]
  /** `GITHUB_RUN_ID`: every run saves under a new key (an Actions cache entry cannot be overwritten). */
  runId: string
  /** `GITHUB_RUN_ATTEMPT`: a re-run attempt saves its own entry too. */
  runAttempt?: string
}

export interface CacheKeys {
  primaryKey: string
  /** Most specific first: the same head prompts evaluated before, then the newest cache of any run. */
  restoreKeys: string[]
}

export type CacheOutcome =
  | { status: 'restored'; key: string; message: string }
  | { status: 'saved'; key: string; message: string }
  | { status: 'missed' | 'skipped' | 'unavailable' | 'failed'; message: string }

/**
 * `promptgate-v1-<head digest>-<run id>[-<attempt>]`, restored by prefix: a run whose head prompts were
 * evaluated before restores that run's cache; otherwise the newest one in reach (this pull request's
 * earlier runs, or the base branch's), whose entries still answer every call that did not change, the
 * base side in particular.
 */
export function resultCacheKeys(parts: CacheKeyParts): CacheKeys {
  const head = headDigest(parts.prompts)
  const run = parts.runAttempt ? `${parts.runId}-${parts.runAttempt}` : parts.runId
  return {
    primaryKey: `${CACHE_KEY_PREFIX}${head}-${run}`,
    restoreKeys: [`${CACHE_KEY_PREFIX}${head}-`, CACHE_KEY_PREFIX]
  }
}

/** Restores the result cache into `dir` with the Actions cache. Never throws: a problem is a message. */
export async function restoreResultCache(dir: string, parts: CacheKeyParts): Promise<CacheOutcome> {
  const { primaryKey, restoreKeys } = resultCacheKeys(parts)
  try {
    const actionsCache = await available()
    if (!actionsCache) return unavailable()
    const key = await actionsCache.restoreCache([dir], primaryKey, restoreKeys)
    if (key === undefined) {
      return { status: 'missed', message: 'no saved result cache yet; every model call is made' }
    }
    return { status: 'restored', key, message: `restored the result cache ${key}` }
  } catch (error) {
    return failed('restore', error)
  }
}

/**
 * Saves `dir` with the Actions cache after dropping entries unused for 30 days. Never throws. Skipped when
 * the run added nothing (`writes` 0): everything it used is already in the cache it restored.
 */
export async function saveResultCache(
  dir: string,
  parts: CacheKeyParts,
  options: { writes?: number; now?: number } = {}
): Promise<CacheOutcome> {
  if (options.writes === 0) {
    return { status: 'skipped', message: 'every result came from the cache; nothing new to save' }
  }
  const { primaryKey } = resultCacheKeys(parts)
  try {
    const actionsCache = await available()
    if (!actionsCache) return unavailable()
    await pruneResultCache(dir, UNUSED_ENTRY_MAX_AGE_MS, options.now)
    if ((await readdir(dir).catch(() => [])).length === 0) {
      return { status: 'skipped', message: 'the result cache is empty; nothing to save' }
    }
    // The library reports most failures (a 5xx, a key another job is saving) as -1 after logging them.
    const id = await actionsCache.saveCache([dir], primaryKey)
    if (id === -1) return { status: 'failed', message: `could not save the result cache ${primaryKey}` }
    return { status: 'saved', key: primaryKey, message: `saved the result cache ${primaryKey}` }
  } catch (error) {
    return failed('save', error)
  }
}

/** What the head side asks, without the commit SHA: a push that leaves the prompts alone keeps the digest. */
function headDigest(prompts: PromptUnderTest[]): string {
  const heads = prompts
    .filter(prompt => prompt.head)
    .map(prompt => [
      prompt.path,
      { ...prompt.head, ref: undefined },
      prompt.cases.map(testCase => testCase.vars),
      prompt.repeat
    ])
  return createHash('sha256').update(stableStringify(heads)).digest('hex').slice(0, 16)
}

/** The library, when the runner offers a cache service; the variables are checked before it is loaded. */
async function available(): Promise<ActionsCache | undefined> {
  if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL) return undefined
  const actionsCache = await loadActionsCache()
  return actionsCache.isFeatureAvailable() ? actionsCache : undefined
}

function unavailable(): CacheOutcome {
  return {
    status: 'unavailable',
    message:
      'the Actions cache service is not available (neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set); results are not kept between runs'
  }
}

/** ValidationError, ReserveCacheError and the rest: the run goes on without the saved cache. */
function failed(action: 'restore' | 'save', error: unknown): CacheOutcome {
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : ''
  return {
    status: 'failed',
    message: `could not ${action} the result cache (${name}${errorMessage(error)}); the run goes on without it`
  }
}
