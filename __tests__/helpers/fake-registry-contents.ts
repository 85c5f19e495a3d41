/**
 * A loopback stand-in for GitHub's contents route as the runtime loader calls it:
 * `GET /repos/{owner}/{repo}/contents/{path}?ref=...` with `Accept: application/vnd.github.raw+json`.
 * Answers the raw file with a strong ETag and 304 to a matching `If-None-Match`, as GitHub does;
 * `respondWith` switches to a scripted answer (a 500, garbage, a slow answer).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

// GitHub Enterprise Server serves the same route under /api/v3.
export const CONTENTS_ROUTE = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/

export interface ContentsRequest {
  path: string
  ref: string | null
  headers: IncomingHttpHeaders
  status: number
}

export type Scripted = { status: number; body: string } | 'serve'

export interface FakeRegistryContents {
  origin: string
  requests: ContentsRequest[]
  /** The file served at `snapshot.json`; a new value gets a new ETag. */
  setSnapshot(snapshot: unknown): void
  /** What to answer from now on: `serve` (the file, ETag, 304) or a fixed status and body. */
  respondWith(answer: Scripted): void
  /** Delay before every answer. */
  delayMs: number
  readonly inFlight: number
  readonly maxInFlight: number
  close(): Promise<void>
}

export async function startFakeRegistryContents(
  repo = 'acme/support',
  ref = 'promptgate/registry'
): Promise<FakeRegistryContents> {
  let body = ''
  let etag = ''
  let answer: Scripted = 'serve'
  let inFlight = 0
  let maxInFlight = 0
  const requests: ContentsRequest[] = []
  const pending = new Set<NodeJS.Timeout>()
  const fake: FakeRegistryContents = {
    origin: '',
    requests,
    delayMs: 0,
    setSnapshot(snapshot: unknown) {
      body = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot, null, 2)
      etag = `"${createHash('sha1').update(body).digest('hex')}"`
    },
    respondWith(next: Scripted) {
      answer = next
    },
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        pending.forEach(timer => clearTimeout(timer))
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }

  const server = createServer((req, res) => {
    res.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://fake')
    const route = CONTENTS_ROUTE.exec(url.pathname)
    const record = (status: number): void => {
      requests.push({ path: url.pathname, ref: url.searchParams.get('ref'), headers: req.headers, status })
    }
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
      record(status)
      inFlight -= 1
      if (!res.destroyed) res.writeHead(status, headers).end(text)
    }
    const timer = setTimeout(() => {
      pending.delete(timer)
      if (req.method !== 'GET' || !route || `${route[1]}/${route[2]}` !== repo) {
        send(404, JSON.stringify({ message: 'Not Found' }), { 'content-type': 'application/json' })
      } else if (route[3] !== 'snapshot.json' || url.searchParams.get('ref') !== ref) {
        send(404, JSON.stringify({ message: 'Not Found' }), { 'content-type': 'application/json' })
      } else if (answer !== 'serve') {
        send(answer.status, answer.body, { 'content-type': 'text/plain' })
      } else if (req.headers['if-none-match'] === etag) {
        send(304, '', { etag })
      } else {
        send(200, body, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8', etag })
      }
    }, fake.delayMs)
    pending.add(timer)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  fake.origin = `http://127.0.0.1:${port}`
  return fake
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
