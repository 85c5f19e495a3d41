import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pLimit from 'p-limit'
import type { ProviderRef } from '../prompts/types.js'
import type { CallResult } from './types.js'

/** Bump when the entry format changes; entries of other versions read as misses. */
const ENTRY_VERSION = 1
const KEY = /^[0-9a-f]{64}$/
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/
const DEFAULT_IO_CONCURRENCY = 32

/** Results of successful model calls, kept across runs, by call hash (see `hashCall`). */
export interface ResultCache {
  readonly dir: string
  /**
   * The stored result, or undefined when there is none or it cannot be read. Never rejects. `provider` is
   * the call's provider, whose credential (see `credentialOf`) is part of the key.
   */
  get(hash: string, provider?: ProviderRef): Promise<CallResult | undefined>
  /**
   * Stores a successful call's result (one with `error` is ignored). A failed write is counted, not thrown;
   * both methods reject only on a key that is not a call hash (a bug).
   */
  set(hash: string, result: CallResult, provider?: ProviderRef): Promise<void>
  /** Resolves when every write started so far has finished. */
  flush(): Promise<void>
  readonly hits: number
  readonly misses: number
  readonly writes: number
  readonly failedWrites: number
}

export interface ResultCacheOptions {
  /**
   * Mixed into every key: what decides the answers but is not part of the call hash, such as the GitHub
   * Models endpoint the CLI was pointed at. Results from another scope are never returned.
   */
  scope?: string
  /**
   * What decides a provider's answers but may not be in a call hash, because it is a secret: which API
   * key the provider reads, as a digest (see `credentialIdentity`). Mixed into the key of each entry, so
   * answers given to one key are never served to another.
   */
  credentialOf?: (provider: ProviderRef) => string | undefined
  /** Files read or written at once, so a large plan cannot run out of file descriptors (default 32). */
  ioConcurrency?: number
}

interface Entry {
  version: number
  result: Omit<CallResult, 'cached' | 'error'>
}

/**
 * A directory of JSON files, one per call, sharded by the first two hex digits of the key
 * (`ab/abcd….json`). Writes go to a temporary file that is renamed into place, so a reader (or a cache
 * saved while a run is cut short) never sees half an entry. A hit refreshes the file's mtime, which is
 * what `pruneResultCache` keeps entries by.
 */
export function createResultCache(dir: string, options: ResultCacheOptions = {}): ResultCache {
  const io = pLimit(options.ioConcurrency ?? DEFAULT_IO_CONCURRENCY)
  const shards = new Map<string, Promise<unknown>>()
  const pending = new Set<Promise<void>>()
  const counters = { hits: 0, misses: 0, writes: 0, failedWrites: 0 }

  function pathOf(hash: string, provider?: ProviderRef): { shard: string; file: string } {
    if (!KEY.test(hash)) throw new Error(`not a call hash: ${hash}`)
    const credential = provider && options.credentialOf?.(provider)
    const key =
      credential !== undefined
        ? sha256(`${options.scope ?? ''}\n${credential}\n${hash}`)
        : options.scope === undefined
          ? hash
          : sha256(`${options.scope}\n${hash}`)
    const shard = join(dir, key.slice(0, 2))
    return { shard, file: join(shard, `${key}.json`) }
  }

  function track(work: Promise<void>): Promise<void> {
    pending.add(work)
    return work.finally(() => pending.delete(work))
  }

  async function read(file: string): Promise<CallResult | undefined> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return undefined
    }
    const result = parseEntry(text)
    // Only to keep the entry through pruning; a read-only cache directory still serves hits.
    if (result) await utimes(file, new Date(), new Date()).catch(() => {})
    return result
  }

  async function write(shard: string, file: string, result: CallResult): Promise<void> {
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      let made = shards.get(shard)
      if (!made) {
        made = mkdir(shard, { recursive: true })
        shards.set(shard, made)
      }
      await made
      await writeFile(temporary, JSON.stringify(toEntry(result)))
      await rename(temporary, file)
      counters.writes += 1
    } catch {
      counters.failedWrites += 1
      shards.delete(shard)
      await rm(temporary, { force: true }).catch(() => {})
    }
  }

  return {
    dir,
    async get(hash, provider) {
      const { file } = pathOf(hash, provider)
      const result = await io(() => read(file))
      if (result) counters.hits += 1
      else counters.misses += 1
      return result
    },
    async set(hash, result, provider) {
      const { shard, file } = pathOf(hash, provider)
      if (result.error !== undefined) return
      await track(io(() => write(shard, file, result)))
    },
    async flush() {
      while (pending.size > 0) await Promise.all(pending)
    },
    get hits() {
      return counters.hits
    },
    get misses() {
      return counters.misses
    },
    get writes() {
      return counters.writes
    },
    get failedWrites() {
      return counters.failedWrites
    }
  }
}

export interface PruneOutcome {
  kept: number
  removed: number
}

/**
 * Deletes entries that no run has read or written for `olderThanMs`, and temporary files a killed run
 * left behind, so a cache that is restored, added to and saved again on every run stays bounded.
 */
export async function pruneResultCache(
  dir: string,
  olderThanMs: number,
  now = Date.now()
): Promise<PruneOutcome> {
  const outcome: PruneOutcome = { kept: 0, removed: 0 }
  const io = pLimit(DEFAULT_IO_CONCURRENCY)
  const shards = await readdir(dir, { withFileTypes: true }).catch(() => [])
  await Promise.all(
    shards
      .filter(shard => shard.isDirectory() && /^[0-9a-f]{2}$/.test(shard.name))
      .map(async shard => {
        const names = await readdir(join(dir, shard.name)).catch(() => [])
        await Promise.all(
          names.map(name =>
            io(async () => {
              const file = join(dir, shard.name, name)
              const modified = await stat(file).then(
                info => info.mtimeMs,
                () => undefined
              )
              if (modified === undefined) return
              if (ENTRY_FILE.test(name) && modified >= now - olderThanMs) {
                outcome.kept += 1
                return
              }
              // A temporary file may belong to a write that is still running; only old ones are debris.
              if (!ENTRY_FILE.test(name) && modified >= now - 60_000) return
              await rm(file, { force: true })
              outcome.removed += 1
            })
          )
        )
      })
  )
  return outcome
}

function toEntry(result: CallResult): Entry {
  const stored: Entry['result'] = { output: result.output, latencyMs: result.latencyMs }
  if (result.tokens) stored.tokens = result.tokens
  if (result.cost !== undefined) stored.cost = result.cost
  return { version: ENTRY_VERSION, result: stored }
}

/** An entry from disk, checked: a truncated, foreign or older file is a miss, never a wrong answer. */
function parseEntry(text: string): CallResult | undefined {
  let entry: unknown
  try {
    entry = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isObject(entry) || entry.version !== ENTRY_VERSION || !isObject(entry.result)) return undefined
  const { output, latencyMs, tokens, cost } = entry.result
  if (typeof output !== 'string' || typeof latencyMs !== 'number') return undefined
  const result: CallResult = { output, latencyMs }
  if (isTokenUsage(tokens)) result.tokens = tokens
  if (typeof cost === 'number') result.cost = cost
  return result
}

function isTokenUsage(value: unknown): value is NonNullable<CallResult['tokens']> {
  return (
    isObject(value) &&
    typeof value.prompt === 'number' &&
    typeof value.completion === 'number' &&
    typeof value.total === 'number'
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
