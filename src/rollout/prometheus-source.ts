import { UserError } from '../errors.js'
import { fetchFailure } from './fetch-failure.js'
import { substituteQuery } from './metric-window.js'
import type { Guardrail, MetricsSource, MetricWindow, SideReading } from './types.js'

export interface PrometheusSourceOptions {
  /** The base URL of a Prometheus-compatible query API (Prometheus, Thanos, Mimir, VictoriaMetrics). */
  url: string
  headers?: Record<string, string>
  /** Per request (default 30 s). */
  timeoutMs?: number
}

type Answer = { kind: 'number'; value: number } | { kind: 'empty' }

/**
 * Reads guardrails through `POST {url}/api/v1/query` (an instant query at the window's end), the API
 * every Prometheus-compatible store serves. A count with no series yet is zero events (and says so);
 * anything else that is not exactly one number is an error, never a reading.
 */
export function createPrometheusSource(options: PrometheusSourceOptions): MetricsSource {
  const base = options.url.replace(/\/+$/, '')
  const endpoint = `${base}/api/v1/query`
  const describe = `the Prometheus query API at ${base}`
  const timeoutMs = options.timeoutMs ?? 30_000

  async function query(promql: string, at: Date): Promise<Answer> {
    const fail = (why: string): UserError =>
      new UserError(`${describe} could not answer ${JSON.stringify(promql)}: ${why}`)
    let response: Response
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...options.headers
        },
        body: new URLSearchParams({ query: promql, time: (at.getTime() / 1000).toFixed(3) }),
        signal: AbortSignal.timeout(timeoutMs)
      })
    } catch (error) {
      const cause = fetchFailure(error, timeoutMs)
      throw fail(`${cause}. Check rollout.metrics (or --metrics-url) and that the server is up.`)
    }
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw fail(
        `HTTP ${response.status}, and the answer is not JSON (${excerpt(text)}); is the URL the query API's base?`
      )
    }
    const answer = body as {
      status?: unknown
      error?: unknown
      errorType?: unknown
      data?: { resultType?: unknown; result?: unknown }
    }
    if (answer.status !== 'success') {
      const error =
        typeof answer.error === 'string' ? answer.error : `status ${JSON.stringify(answer.status)}`
      throw fail(
        `HTTP ${response.status}, ${typeof answer.errorType === 'string' ? `${answer.errorType}: ` : ''}${error}`
      )
    }
    const { resultType, result } = answer.data ?? {}
    if (resultType === 'scalar') return { kind: 'number', value: sampleValue(result, fail) }
    if (resultType !== 'vector' || !Array.isArray(result))
      throw fail(
        `the result is a ${String(resultType)}, not an instant vector; the query must give one number`
      )
    if (result.length === 0) return { kind: 'empty' }
    if (result.length > 1)
      throw fail(
        `it gives ${result.length} series, not one; aggregate it (e.g. sum(...)) so it gives one number`
      )
    return { kind: 'number', value: sampleValue((result[0] as { value?: unknown }).value, fail) }
  }

  async function count(promql: string, window: MetricWindow): Promise<{ value: number; empty: boolean }> {
    const answer = await query(promql, window.end)
    return answer.kind === 'empty' ? { value: 0, empty: true } : { value: answer.value, empty: false }
  }

  return {
    describe,
    async read(guardrail: Guardrail, digest: string, window: MetricWindow): Promise<SideReading> {
      if (guardrail.kind === 'value') {
        const promql = substituteQuery(guardrail.value, digest, window)
        const answer = await query(promql, window.end)
        if (answer.kind === 'empty')
          throw new UserError(
            `${describe} has no series for ${JSON.stringify(promql)} (guardrail "${guardrail.name}"): a value needs data; ` +
              'check the metric name and the prompt_digest label.'
          )
        return { value: answer.value }
      }
      const badQuery = substituteQuery(guardrail.bad, digest, window)
      const totalQuery = substituteQuery(guardrail.total, digest, window)
      const [bad, total] = await Promise.all([count(badQuery, window), count(totalQuery, window)])
      const reading: SideReading = {
        bad: bad.value,
        total: total.value,
        rate: total.value > 0 ? bad.value / total.value : 0
      }
      const empty = [bad.empty && 'bad', total.empty && 'total'].filter(Boolean)
      return empty.length > 0
        ? { ...reading, note: `no series yet for ${empty.join(' and ')}: read as 0 events` }
        : reading
    }
  }
}

function sampleValue(sample: unknown, fail: (why: string) => UserError): number {
  const raw = Array.isArray(sample) ? sample[1] : undefined
  const value = typeof raw === 'string' ? Number(raw) : Number.NaN
  if (raw === 'NaN' || !Number.isFinite(value))
    throw fail(
      `the value is ${JSON.stringify(raw)}, not a number (a ratio or quantile over no data gives NaN)`
    )
  return value
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}…` : flat)
}
