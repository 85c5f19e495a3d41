import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'
import { parseSnapshot } from './parse-snapshot.js'
import type { GitHubSourceOptions, PromptSource, RegistrySnapshot, SourceName } from './types.js'

export const DEFAULT_REF = 'promptgate/registry'
export const DEFAULT_API_URL = 'https://api.github.com'
const DEFAULT_TIMEOUT_MS = 5000

export interface Loaded {
  snapshot: RegistrySnapshot
  /** The file's text, as read; absent when the source answered "not modified". */
  text?: string
}

/** One place a snapshot can come from. `load` throws a message saying why it could not. */
export interface SnapshotSource {
  name: SourceName
  /** For messages: `github (owner/name@ref)`, `file (path)`. */
  label: string
  load(): Promise<Loaded>
  /** Only on last-known-good: replaces the file with `text`, atomically. */
  save?(text: string): Promise<void>
  ttlSeconds?: number
}

export function toSnapshotSource(source: PromptSource): SnapshotSource {
  if ('github' in source) return gitHubSource(source.github)
  if ('lastKnownGood' in source) return lastKnownGoodSource(source.lastKnownGood)
  if ('file' in source) return fileSource('file', source.file)
  throw new Error(
    `promptgate/runtime: unknown source ${JSON.stringify(source)}; use { github }, { lastKnownGood } or { file }`
  )
}

function fileSource(name: SourceName, path: string): SnapshotSource {
  if (typeof path !== 'string' || path === '') {
    throw new Error(`promptgate/runtime: the ${name} source needs a file path`)
  }
  return {
    name,
    label: `${name} (${path})`,
    async load() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        throw new Error(code === 'ENOENT' ? 'no such file' : (error as Error).message)
      }
      return { snapshot: parseSnapshot(text), text }
    }
  }
}

function lastKnownGoodSource(path: string): SnapshotSource {
  return {
    ...fileSource('last-known-good', path),
    // A reader never sees half a file: write a temporary file beside it, then rename over it.
    async save(text: string) {
      const temporary = `${path}.${randomUUID()}.tmp`
      try {
        await mkdir(dirname(path), { recursive: true })
        await writeFile(temporary, text)
        await rename(temporary, path)
      } catch (error) {
        await rm(temporary, { force: true })
        throw error
      }
    }
  }
}

function gitHubSource(options: GitHubSourceOptions): SnapshotSource {
  const { repo, token } = options
  if (typeof repo !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
    throw new Error(`promptgate/runtime: github.repo must be "owner/name", got ${JSON.stringify(repo)}`)
  }
  const ref = options.ref ?? DEFAULT_REF
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '')
  const url = `${apiUrl}/repos/${repo}/contents/snapshot.json?ref=${encodeURIComponent(ref)}`
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let cached: { etag: string; snapshot: RegistrySnapshot } | undefined

  return {
    name: 'github',
    label: `github (${repo}@${ref})`,
    ttlSeconds: options.ttlSeconds,
    async load() {
      const headers: Record<string, string> = {
        accept: 'application/vnd.github.raw+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'promptgate-runtime'
      }
      if (token) headers.authorization = `Bearer ${token}`
      if (cached) headers['if-none-match'] = cached.etag
      let response: Response
      try {
        response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : causeOf(error)
        throw new Error(`GET ${url}: ${reason}`)
      }
      if (response.status === 304 && cached) {
        await response.body?.cancel()
        return { snapshot: cached.snapshot }
      }
      const text = await response.text()
      if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}${hint(response.status)}`)
      const snapshot = parseSnapshot(text)
      const etag = response.headers.get('etag')
      cached = etag ? { etag, snapshot } : undefined
      return { snapshot, text }
    }
  }
}

function hint(status: number): string {
  if (status === 401) return ' (check the token)'
  if (status === 403 || status === 404) {
    return ' (is the registry branch there, and can the token read contents?)'
  }
  return ''
}

/** fetch's own message is "fetch failed"; the reason is in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message
}
