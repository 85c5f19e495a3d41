import { afterEach, describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { metricWindow } from '../../../src/rollout/metric-window.js'
import { createPrometheusSource } from '../../../src/rollout/prometheus-source.js'
import type { Guardrail } from '../../../src/rollout/types.js'
import { startFakePrometheus, vector, type PrometheusQuery } from './fake-prometheus.js'

const DIGEST = `sha256:${'c'.repeat(64)}`
const rate: Guardrail = {
  name: 'negative feedback',
  kind: 'rate',
  bad: 'sum(increase(app_feedback_total{verdict="negative", prompt_digest="$digest"}[$window]))',
  total: 'sum(increase(app_feedback_total{prompt_digest="$digest"}[$window]))',
  maxRelativeIncrease: 0.1
}
const latency: Guardrail = {
  name: 'p95 latency',
  kind: 'value',
  value: 'p95{prompt_digest="$digest"}[$window]'
}
const start = new Date('2026-12-01T10:00:00Z')
const window = metricWindow(start, new Date('2026-12-01T10:20:00.500Z'))

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function fake(answer: (query: PrometheusQuery) => { status?: number; body: unknown } | 'hang') {
  const server = await startFakePrometheus(answer)
  closers.push(server.close)
  return server
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

describe('createPrometheusSource', () => {
  it('posts each query with $digest and $window filled in, at the window end, with the configured headers', async () => {
    const server = await fake(query => ({
      body: vector(query.params.get('query')?.includes('negative') ? '12' : '480')
    }))
    const source = createPrometheusSource({
      url: `${server.url}/prom/`,
      headers: { Authorization: 'Bearer t0ken' }
    })
    expect(await source.read(rate, DIGEST, window)).toEqual({ bad: 12, total: 480, rate: 0.025 })
    expect(server.queries).toHaveLength(2)
    for (const query of server.queries) {
      expect(query.method).toBe('POST')
      expect(query.path).toBe('/prom/api/v1/query')
      expect(query.headers.authorization).toBe('Bearer t0ken')
      expect(query.params.get('time')).toBe('1796120400.500')
    }
    expect(server.queries.map(query => query.params.get('query')).sort()).toEqual([
      `sum(increase(app_feedback_total{prompt_digest="${DIGEST}"}[1200s]))`,
      `sum(increase(app_feedback_total{verdict="negative", prompt_digest="${DIGEST}"}[1200s]))`
    ])
  })

  it('never makes $window shorter than 5s', async () => {
    const server = await fake(() => ({ body: vector('0.8') }))
    const source = createPrometheusSource({ url: server.url })
    await source.read(latency, DIGEST, metricWindow(start, new Date(start.getTime() + 1200)))
    expect(server.queries[0]?.params.get('query')).toBe(`p95{prompt_digest="${DIGEST}"}[5s]`)
  })

  it('reads a value guardrail and a scalar answer', async () => {
    const server = await fake(() => ({
      body: { status: 'success', data: { resultType: 'scalar', result: [1, '0.84'] } }
    }))
    expect(await createPrometheusSource({ url: server.url }).read(latency, DIGEST, window)).toEqual({
      value: 0.84
    })
  })

  it('reads counts with no series yet as zero events, and says so', async () => {
    const server = await fake(query => ({
      body: query.params.get('query')?.includes('negative') ? vector() : vector('40')
    }))
    expect(await createPrometheusSource({ url: server.url }).read(rate, DIGEST, window)).toEqual({
      bad: 0,
      total: 40,
      rate: 0,
      note: 'no series yet for bad: read as 0 events'
    })
  })

  it.each([
    [
      'an empty vector for a value',
      vector(),
      200,
      /has no series for "p95\{prompt_digest=\\"sha256:c+\\"\}\[1200s\]"/
    ],
    ['NaN', vector('NaN'), 200, /the value is "NaN", not a number/],
    ['+Inf', vector('+Inf'), 200, /the value is "\+Inf", not a number/],
    ['several series', vector('1', '2'), 200, /gives 2 series, not one; aggregate it/],
    [
      'an error status',
      { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' },
      400,
      /HTTP 400, bad_data: parse error at char 4/
    ],
    ['a non-JSON answer', '<html>login</html>', 200, /not JSON \("<html>login<\/html>"\)/],
    [
      'a matrix',
      { status: 'success', data: { resultType: 'matrix', result: [] } },
      200,
      /a matrix, not an instant vector/
    ]
  ])('refuses %s with an error naming the source and the query', async (_what, body, status, message) => {
    const server = await fake(() => ({ status, body }))
    const error = await failure(createPrometheusSource({ url: server.url }).read(latency, DIGEST, window))
    expect(error.message).toMatch(message)
    expect(error.message).toContain(`the Prometheus query API at ${server.url}`)
    expect(error.message).toContain('p95{prompt_digest=')
  })

  it('makes an unreachable server an error, not a reading', async () => {
    const server = await fake(() => ({ body: vector('1') }))
    await server.close()
    closers.pop()
    const error = await failure(createPrometheusSource({ url: server.url }).read(rate, DIGEST, window))
    expect(error.message).toMatch(
      /could not answer ".*": unreachable \(.*ECONNREFUSED.*\)\. Check rollout\.metrics/
    )
  })

  it('gives up on a server that does not answer within the timeout', async () => {
    const server = await fake(() => 'hang')
    const began = Date.now()
    const error = await failure(
      createPrometheusSource({ url: server.url, timeoutMs: 300 }).read(latency, DIGEST, window)
    )
    expect(error.message).toContain('no answer within 0.3s')
    expect(Date.now() - began).toBeLessThan(5000)
  })
})
