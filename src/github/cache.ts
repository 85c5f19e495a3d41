import { createHash } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../errors.js'
import { pruneResultCache } from '../eval/cache.js'
import { stableStringify } from '../eval/hash.js'
import type { PromptUnderTest } from '../eval/types.js'

/** Bump when the cache directory's layout or the key scheme changes, so no run restores an incompatible one. */
export const CACHE_KEY_PREFIX = 'promptgate-v2-'
/** Entries no run has used for this long are dropped before saving, so the saved cache stays bounded. */
export const UNUSED_ENTRY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000
/** The directory under RUNNER_TEMP: outside the checkout, so no commit can plant entries in it. */
export const CACHE_DIRECTORY_NAME = 'promptgate-cache'

type ActionsCache = typeof import('@actions/cache')

/** Loaded only when a cache service is there: the library and its Azure client are a chunk of their own. */
const loadActionsCache = (): Promise<ActionsCache> => import('@actions/cache')

/**
 * Who wrote a cache, and so whom a run may believe: the default branch's `push` runs (trusted: the
 * maintainers' config and prompts), or one pull request's own runs.
 */
export type CacheNamespace =
  | { event: 'push'; branch: string }
  | { event: 'pull_request' | 'pull_request_target'; number: number; defaultBranch: string }

export interface CacheKeyParts {
  namespace: CacheNamespace
  /** The prompts under test; their head versions and test data make up the middle of the key. */
  prompts: PromptUnderTest[]
  /** `GITHUB_RUN_ID`: every run saves under a new key (an Actions cache entry cannot be overwritten). */
  runId: string
  /** `GITHUB_RUN_ATTEMPT`: a re-run attempt saves its own entry too. */
  runAttempt?: string
}

export interface CacheKeys {
  primaryKey: string
  /** Most specific first; every one ends inside a namespace, so none is a prefix of another's keys. */
  restoreKeys: string[]
  /** Whether the run may save at all: never under `pull_request_target`. */
  save: boolean
}

export type CacheOutcome =
  | { status: 'restored'; key: string; message: string }
  | { status: 'saved'; key: string; message: string }
  | { status: 'missed' | 'skipped' | 'unavailable' | 'failed'; message: string }

/**
 * Keys are `promptgate-v2-<namespace>-<head digest>-<run id>[-<attempt>]`, where the namespace is
 * `push-<default branch>` or `pr-<number>`:
 *
 * - a `push` run saves under, and restores from, its branch's push namespace;
 * - a `pull_request` run saves under its own `pr-<number>` namespace and restores from it (the same head
 *   prompts first, then its newest), then from the default branch's push namespace, which holds its base
 *   side; never from another pull request's;
 * - a `pull_request_target` run restores only from the default branch's push namespace and never saves:
 *   it holds write access to the base branch's cache scope, which every pull request reads.
 */
export function resultCacheKeys(parts: CacheKeyParts): CacheKeys {
  const head = headDigest(parts.prompts)
  const run = parts.runAttempt ? `${parts.runId}-${parts.runAttempt}` : parts.runId
  const { namespace } = parts
  if (namespace.event === 'push') {
    const own = pushNamespace(namespace.branch)
    return { primaryKey: `${own}${head}-${run}`, restoreKeys: [`${own}${head}-`, own], save: true }
  }
  const trusted = pushNamespace(namespace.defaultBranch)
  if (namespace.event === 'pull_request_target') {
    return { primaryKey: `${trusted}${head}-${run}`, restoreKeys: [trusted], save: false }
  }
  const own = `${CACHE_KEY_PREFIX}pr-${namespace.number}-`
  return { primaryKey: `${own}${head}-${run}`, restoreKeys: [`${own}${head}-`, own, trusted], save: true }
}

/**
 * `promptgate-v2-push-<branch>-`, the branch percent-encoded with `-` encoded too, so the `-` after it ends
 * it: `push-main-` is no prefix of branch `main-x`'s keys, and `pr-2-` none of `pr-20-`'s.
 */
function pushNamespace(branch: string): string {
  return `${CACHE_KEY_PREFIX}push-${encodeURIComponent(branch).replace(/-/g, '%2D')}-`
}

/** The namespace of a pull request run; the default branch from the payload, else the base branch. */
export function pullRequestNamespace(
  eventName: string,
  pr: { number: number; baseRef: string },
  payload: unknown
): CacheNamespace {
  const repository = (payload as { repository?: { default_branch?: unknown } } | null)?.repository
  const defaultBranch =
    typeof repository?.default_branch === 'string' && repository.default_branch !== ''
      ? repository.default_branch
      : pr.baseRef
  return {
    event: eventName === 'pull_request_target' ? 'pull_request_target' : 'pull_request',
    number: pr.number,
    defaultBranch
  }
}

/** `$RUNNER_TEMP/promptgate-cache`: one fixed path, since the Actions cache version covers the path. */
export function resultCacheDirectory(env: Record<string, string | undefined> = process.env): string {
  return join(env.RUNNER_TEMP || tmpdir(), CACHE_DIRECTORY_NAME)
}

/**
 * Empties the directory (a symlink in its place is removed, not followed), so the run reads only what
 * it restores itself: nothing a self-hosted runner's earlier job, or anything else, left there.
 */
export async function emptyResultCacheDirectory(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
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
 * the run added nothing (`writes` 0): everything it used is already in the cache it restored; and always
 * under `pull_request_target`.
 */
export async function saveResultCache(
  dir: string,
  parts: CacheKeyParts,
  options: { writes?: number; now?: number } = {}
): Promise<CacheOutcome> {
  const { primaryKey, save } = resultCacheKeys(parts)
  if (!save) {
    return {
      status: 'skipped',
      message:
        'a pull_request_target run never saves the result cache (it could write where every pull request reads)'
    }
  }
  if (options.writes === 0) {
    return { status: 'skipped', message: 'every result came from the cache; nothing new to save' }
  }
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
