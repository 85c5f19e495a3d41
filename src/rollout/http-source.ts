import { UserError } from '../errors.js'
import { fetchFailure } from './fetch-failure.js'
import type { Guardrail, MetricsSource, MetricWindow, SideReading } from './types.js'

export interface HttpSourceOptions {
  url: string
  headers?: Record<string, string>
  /** Per request (default 30 s). */
  timeoutMs?: number
}

/**
 * A team's own endpoint that answers with counts: one request per guardrail and side,
 * `GET {url}?guardrail=<name>&kind=rate|value&digest=<sha256:…>&start=<ISO 8601>&end=<ISO 8601>&window=<N>s`,
 * answered `{"bad": n, "total": n}` for a rate guardrail and `{"value": n}` for a value guardrail.
 */
export function createHttpSource(options: HttpSourceOptions): MetricsSource {
  const describe = `the metrics endpoint ${options.url}`
  const timeoutMs = options.timeoutMs ?? 30_000
  return {
    describe,
    async read(guardrail: Guardrail, digest: string, window: MetricWindow): Promise<SideReading> {
      const url = new URL(options.url)
      url.searchParams.set('guardrail', guardrail.name)
      url.searchParams.set('kind', guardrail.kind)
      url.searchParams.set('digest', digest)
      url.searchParams.set('start', window.start.toISOString())
      url.searchParams.set('end', window.end.toISOString())
      url.searchParams.set('window', `${window.seconds}s`)
      const fail = (why: string): UserError =>
        new UserError(`${describe} could not answer guardrail "${guardrail.name}" for ${digest}: ${why}`)
      let response: Response
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', ...options.headers },
          signal: AbortSignal.timeout(timeoutMs)
        })
      } catch (error) {
        const why = fetchFailure(error, timeoutMs)
        throw fail(`${why}. Check rollout.metrics.http.url and that the endpoint is up.`)
      }
      const text = await response.text()
      if (!response.ok) throw fail(`HTTP ${response.status} ${text.slice(0, 120)}`)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(text) as Record<string, unknown>
      } catch {
        throw fail('the answer is not JSON')
      }
      const number = (key: string): number => {
        const value = body?.[key]
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
          throw fail(`"${key}" is ${JSON.stringify(value)}; expected a number of 0 or more`)
        return value
      }
      if (guardrail.kind === 'value') return { value: number('value') }
      const bad = number('bad')
      const total = number('total')
      if (bad > total) throw fail(`"bad" (${bad}) is more than "total" (${total})`)
      return { bad, total, rate: total > 0 ? bad / total : 0 }
    }
  }
}
