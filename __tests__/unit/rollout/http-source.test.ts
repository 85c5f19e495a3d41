import { afterEach, describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { createHttpSource } from '../../../src/rollout/http-source.js'
import { metricWindow } from '../../../src/rollout/metric-window.js'
import type { Guardrail } from '../../../src/rollout/types.js'
import { startFakePrometheus, type PrometheusQuery } from './fake-prometheus.js'

const DIGEST = `sha256:${'a'.repeat(64)}`
const rate: Guardrail = { name: 'errors', kind: 'rate', bad: 'errors', total: 'requests', maxAbsolute: 0.02 }
const latency: Guardrail = { name: 'p95 latency', kind: 'value', value: 'p95', maxRelativeIncrease: 0.2 }
const window = metricWindow(new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T11:00:00Z'))

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function fake(answer: (query: PrometheusQuery) => { status?: number; body: unknown }) {
  const server = await startFakePrometheus(answer)
  closers.push(server.close)
  return server
}

describe('createHttpSource', () => {
  it('asks GET url?guardrail&kind&digest&start&end&window with the headers, and reads {bad,total} and {value}', async () => {
    const server = await fake(query => ({
      body: query.params.get('kind') === 'rate' ? { bad: 3, total: 300 } : { value: 1.25 }
    }))
    const source = createHttpSource({
      url: `${server.url}/rollout-metrics?team=search`,
      headers: { 'X-Key': 'k' }
    })
    expect(await source.read(rate, DIGEST, window)).toEqual({ bad: 3, total: 300, rate: 0.01 })
    expect(await source.read(latency, DIGEST, window)).toEqual({ value: 1.25 })
    const [first] = server.queries
    expect(first?.method).toBe('GET')
    expect(first?.path).toBe('/rollout-metrics')
    expect(first?.headers['x-key']).toBe('k')
    expect(Object.fromEntries(first?.params ?? [])).toEqual({
      team: 'search',
      guardrail: 'errors',
      kind: 'rate',
      digest: DIGEST,
      start: '2026-12-01T10:00:00.000Z',
      end: '2026-12-01T11:00:00.000Z',
      window: '3600s'
    })
  })

  it.each([
    ['a missing count', { bad: 3 }, 200, /"total" is undefined; expected a number/],
    ['a negative count', { bad: -1, total: 4 }, 200, /"bad" is -1; expected a number of 0 or more/],
    ['more bad than total', { bad: 5, total: 4 }, 200, /"bad" \(5\) is more than "total" \(4\)/],
    ['a server error', { error: 'down' }, 503, /HTTP 503/],
    ['a non-JSON answer', 'ok', 200, /the answer is not JSON/]
  ])(
    'refuses %s with an error naming the endpoint and the guardrail',
    async (_what, body, status, message) => {
      const server = await fake(() => ({ status, body }))
      const error = await createHttpSource({ url: server.url })
        .read(rate, DIGEST, window)
        .catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(UserError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toContain(
        `the metrics endpoint ${server.url} could not answer guardrail "errors"`
      )
    }
  )

  it('makes an unreachable endpoint an error', async () => {
    const server = await fake(() => ({ body: {} }))
    await server.close()
    closers.pop()
    const error = await createHttpSource({ url: server.url })
      .read(rate, DIGEST, window)
      .catch((thrown: unknown) => thrown)
    expect((error as Error).message).toMatch(/unreachable \(ECONNREFUSED/)
  })
})
