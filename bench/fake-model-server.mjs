// A loopback OpenAI-compatible chat-completions server for the benchmark: a fixed latency per request, an
// optional share of faulty answers (429 with Retry-After: 0, or 500), and counters for what it received.
// It echoes the last user message, so the engine's assertions have something to check.
//
//   node bench/fake-model-server.mjs --latency 100 --fault-rate 0.05    (prints its base URL)
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { chatCompletionBody, countWords } from '../examples/chat-completion.mjs'

/** A seeded PRNG (mulberry32), so a run's faults fall on the same requests every time. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAULTS = {
  429: { status: 429, headers: { 'retry-after': '0' }, message: 'Rate limit reached' },
  500: { status: 500, headers: {}, message: 'Internal server error' }
}

/**
 * @param {{ port?: number, latencyMs?: number, faultRate?: number, faultStatuses?: number[], seed?: number }} options
 */
export async function startFakeModelServer(options = {}) {
  const latencyMs = options.latencyMs ?? 100
  const faultRate = options.faultRate ?? 0
  const faultStatuses = options.faultStatuses ?? [429, 500]
  const next = random(options.seed ?? 1)
  const stats = { requests: 0, completions: 0, faults: 0, inFlight: 0, maxInFlight: 0 }

  const server = createServer((request, response) => {
    const chunks = []
    request.on('data', chunk => chunks.push(chunk))
    request.on('end', () => {
      stats.requests += 1
      stats.inFlight += 1
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        body = {}
      }
      const faulty = faultRate > 0 && next() < faultRate
      setTimeout(() => {
        stats.inFlight -= 1
        if (faulty) {
          stats.faults += 1
          const fault = FAULTS[faultStatuses[stats.faults % faultStatuses.length]]
          response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
          response.end(JSON.stringify({ error: { message: fault.message, type: 'bench', code: null } }))
          return
        }
        stats.completions += 1
        const messages = Array.isArray(body.messages) ? body.messages : []
        const text = messages.filter(message => message.role === 'user').at(-1)?.content ?? ''
        const completion = chatCompletionBody({
          id: 'chatcmpl-bench',
          model: String(body.model ?? ''),
          content: String(text),
          promptTokens: countWords(messages.map(message => message.content).join(' '))
        })
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify(completion))
      }, latencyMs)
    })
  })
  await new Promise(resolve => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}/inference`,
    stats,
    reset() {
      Object.assign(stats, { requests: 0, completions: 0, faults: 0, maxInFlight: stats.inFlight })
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      latency: { type: 'string', default: '100' },
      'fault-rate': { type: 'string', default: '0' }
    }
  })
  const server = await startFakeModelServer({
    port: Number(values.port),
    latencyMs: Number(values.latency),
    faultRate: Number(values['fault-rate'])
  })
  process.stdout.write(`${server.url}\n`)
  process.on('SIGINT', () => {
    process.stderr.write(`${JSON.stringify(server.stats)}\n`)
    void server.close().then(() => process.exit(0))
  })
}
