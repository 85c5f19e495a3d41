/**
 * A loopback stand-in for the GitHub Actions cache service (v2), the one the real `@actions/cache` client
 * speaks when the runner sets `ACTIONS_CACHE_SERVICE_V2` and `ACTIONS_RESULTS_URL`:
 *
 * - Twirp JSON `POST /twirp/github.actions.results.api.v1.CacheService/<method>` for
 *   `GetCacheEntryDownloadURL`, `CreateCacheEntry` and `FinalizeCacheEntryUpload`, authorised by the
 *   runtime token (`Authorization: Bearer ...`);
 * - signed blob URLs: `PUT /blobs/<id>?sig=...` is the Azure "Put Blob" the client's storage SDK sends for
 *   an archive (one shot, well under its 128 MiB limit); `GET /blobs/<id>?sig=...` downloads it.
 *
 * Scoping is GitHub's: the runtime token is a JWT whose `ac` claim lists the cache scopes of the run with
 * their permission (1 read, 2 write, 3 both), its own scope first. A lookup searches each readable scope in
 * turn (exact key, then the key as a prefix, then each restore key as a prefix, newest first); a save goes
 * to the first writable scope. `runtimeToken` makes such a token; `actionsCacheEnv` the variables a runner
 * sets for an event (a pull request reads its own `refs/pull/<n>/merge` and its base branch, writes its own;
 * `push` and `pull_request_target` read and write the branch they run on).
 *
 * ```ts
 * const cache = await startFakeActionsCache()
 * const env = actionsCacheEnv(cache, 'pull_request', payload)
 * // spawn the action with env; then cache.lookups, cache.saves, cache.entries
 * await cache.close()
 * ```
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'
const READ = 1
const WRITE = 2

export interface CacheScope {
  scope: string
  /** 1 read, 2 write, 3 both (GitHub's `Permission`). */
  permission: number
}

export interface FakeCacheEntry {
  scope: string
  key: string
  version: string
  /** The archive, once uploaded. */
  archive?: Buffer
  /** Set by FinalizeCacheEntryUpload; a lookup sees only finalized entries. */
  finalized: boolean
  createdAt: number
  id: number
}

export interface FakeCacheLookup {
  key: string
  restoreKeys: string[]
  version: string
  /** The scopes the token could read. */
  scopes: string[]
  /** The key of the entry served, or undefined for a miss. */
  matchedKey?: string
}

export interface FakeCacheSave {
  key: string
  version: string
  /** The scope it was written to; undefined when the token could write nowhere (refused). */
  scope?: string
}

export interface FakeActionsCache {
  /** `http://127.0.0.1:<port>/`: the runner's ACTIONS_RESULTS_URL ends with a slash. */
  url: string
  lookups: FakeCacheLookup[]
  /** Every CreateCacheEntry, refused ones included. */
  saves: FakeCacheSave[]
  entries: FakeCacheEntry[]
  close(): Promise<void>
}

export async function startFakeActionsCache(): Promise<FakeActionsCache> {
  const lookups: FakeCacheLookup[] = []
  const saves: FakeCacheSave[] = []
  const entries: FakeCacheEntry[] = []
  const blobs = new Map<string, { entry: FakeCacheEntry; sig: string }>()
  let nextId = 1
  let clock = 0

  function blobUrl(origin: string, entry: FakeCacheEntry): string {
    const id = `${entry.id}`
    let blob = blobs.get(id)
    if (!blob) {
      blob = { entry, sig: randomBytes(12).toString('hex') }
      blobs.set(id, blob)
    }
    return `${origin}/blobs/${id}?sig=${blob.sig}`
  }

  function lookUp(scopes: string[], key: string, restoreKeys: string[], version: string) {
    const newest = (match: (entry: FakeCacheEntry) => boolean, scope: string) =>
      entries
        .filter(
          entry => entry.finalized && entry.scope === scope && entry.version === version && match(entry)
        )
        .sort((a, b) => b.createdAt - a.createdAt)[0]
    for (const scope of scopes) {
      const found =
        newest(entry => entry.key === key, scope) ??
        newest(entry => entry.key.startsWith(key), scope) ??
        restoreKeys.map(prefix => newest(entry => entry.key.startsWith(prefix), scope)).find(Boolean)
      if (found) return found
    }
    return undefined
  }

  async function twirp(method: string, body: Record<string, unknown>, scopes: CacheScope[], origin: string) {
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const readable = scopes.filter(s => s.permission & READ).map(s => s.scope)
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
        const entry = lookUp(readable, key, restoreKeys, version)
        lookups.push({ key, restoreKeys, version, scopes: readable, matchedKey: entry?.key })
        if (!entry) return { ok: false, signed_download_url: '', matched_key: '' }
        return { ok: true, signed_download_url: blobUrl(origin, entry), matched_key: entry.key }
      }
      case 'CreateCacheEntry': {
        const scope = scopes.find(s => s.permission & WRITE)?.scope
        saves.push({ key, version, scope })
        if (!scope) return { ok: false, message: 'cache write denied: the token has no writable scope' }
        if (entries.some(e => e.scope === scope && e.key === key && e.version === version))
          return { ok: false, message: `cache entry ${key} already exists` }
        const entry: FakeCacheEntry = {
          scope,
          key,
          version,
          finalized: false,
          createdAt: ++clock,
          id: nextId++
        }
        entries.push(entry)
        return { ok: true, signed_upload_url: blobUrl(origin, entry) }
      }
      case 'FinalizeCacheEntryUpload': {
        const scope = scopes.find(s => s.permission & WRITE)?.scope
        const entry = entries.find(e => e.scope === scope && e.key === key && e.version === version)
        if (!entry?.archive || String(entry.archive.length) !== String(body.size_bytes))
          return { ok: false, message: `no uploaded archive of that size for ${key}` }
        entry.finalized = true
        return { ok: true, entry_id: String(entry.id) }
      }
      default:
        return undefined
    }
  }

  const server = createServer((req, res) => {
    res.on('error', () => {})
    void handle(req, res).catch(error => send(res, 500, { msg: String(error) }))
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const body = await readBody(req)
    const origin = `http://${req.headers.host}`
    if (req.method === 'POST' && url.pathname.startsWith(TWIRP)) {
      const scopes = scopesOf(req.headers.authorization)
      if (!scopes) return send(res, 401, { code: 'unauthenticated', msg: 'no runtime token' })
      const answer = await twirp(
        url.pathname.slice(TWIRP.length),
        JSON.parse(body.toString('utf8')) as Record<string, unknown>,
        scopes,
        origin
      )
      if (!answer) return send(res, 404, { code: 'bad_route', msg: `no method ${url.pathname}` })
      return send(res, 200, answer)
    }
    const blob = /^\/blobs\/(\d+)$/.exec(url.pathname)?.[1]
    const stored = blob === undefined ? undefined : blobs.get(blob)
    if (!stored || url.searchParams.get('sig') !== stored.sig) {
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>AuthenticationFailed</Code></Error>')
      return
    }
    if (req.method === 'PUT' && !stored.entry.finalized) {
      stored.entry.archive = body
      res.writeHead(201, { 'x-ms-request-id': randomBytes(8).toString('hex') }).end()
      return
    }
    if (req.method === 'GET' && stored.entry.finalized && stored.entry.archive) {
      res
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(stored.entry.archive.length)
        })
        .end(stored.entry.archive)
      return
    }
    res.writeHead(409).end()
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    lookups,
    saves,
    entries,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
}

/** A runtime token shaped like the runner's: a JWT (unsigned here) whose `ac` claim lists the scopes. */
export function runtimeToken(scopes: CacheScope[]): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const ac = JSON.stringify(scopes.map(({ scope, permission }) => ({ Scope: scope, Permission: permission })))
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ac })}.`
}

/** The scopes GitHub gives a run of this event: its own (read and write) first, then the ones it may read. */
export function scopesFor(eventName: string, payload: unknown): CacheScope[] {
  const event = payload as {
    ref?: string
    pull_request?: { number: number; base: { ref: string } }
    repository?: { default_branch?: string }
  }
  const defaultBranch = `refs/heads/${event.repository?.default_branch ?? 'main'}`
  if (eventName === 'pull_request' && event.pull_request) {
    const base = `refs/heads/${event.pull_request.base.ref}`
    const reads = [...new Set([base, defaultBranch])].map(scope => ({ scope, permission: READ }))
    return [{ scope: `refs/pull/${event.pull_request.number}/merge`, permission: READ | WRITE }, ...reads]
  }
  // pull_request_target runs on the base branch, with its cache scope writable.
  const own = eventName === 'pull_request_target' ? `refs/heads/${event.pull_request?.base.ref}` : event.ref
  const reads = own === defaultBranch ? [] : [{ scope: defaultBranch, permission: READ }]
  return [{ scope: own ?? defaultBranch, permission: READ | WRITE }, ...reads]
}

/** The variables a runner on github.com sets for the cache service, with the scopes of `scopes`. */
export function actionsCacheEnv(cache: FakeActionsCache, scopes: CacheScope[]): Record<string, string> {
  return {
    ACTIONS_RESULTS_URL: cache.url,
    ACTIONS_CACHE_URL: cache.url,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    ACTIONS_RUNTIME_TOKEN: runtimeToken(scopes)
  }
}

function scopesOf(authorization: string | undefined): CacheScope[] | undefined {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
  const claims = token?.split('.')[1]
  if (!claims) return undefined
  try {
    const { ac } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { ac: string }
    return (JSON.parse(ac) as { Scope: string; Permission: number }[]).map(s => ({
      scope: s.Scope,
      permission: s.Permission
    }))
  } catch {
    return undefined
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
