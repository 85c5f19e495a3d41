import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PrometheusQuery {
  method: string
  path: string
  params: URLSearchParams
  headers: IncomingHttpHeaders
}

/** A loopback stand-in for `/api/v1/query`: `answer` gets each parsed query and returns status and body. */
export async function startFakePrometheus(
  answer: (query: PrometheusQuery) => { status?: number; body: unknown } | 'hang'
): Promise<{ url: string; queries: PrometheusQuery[]; close: () => Promise<void> }> {
  const queries: PrometheusQuery[] = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', chunk => (text += chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const params = req.method === 'POST' ? new URLSearchParams(text) : url.searchParams
      const query = { method: req.method ?? '', path: url.pathname, params, headers: req.headers }
      queries.push(query)
      const reply = answer(query)
      if (reply === 'hang') return
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' })
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body))
    })
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () =>
      new Promise(done => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}

export const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((value, index) => ({ metric: { series: String(index) }, value: [1764583200, value] }))
  }
})
