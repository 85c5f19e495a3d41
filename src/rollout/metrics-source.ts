import { UserError } from '../errors.js'
import { createHttpSource } from './http-source.js'
import { createPrometheusSource } from './prometheus-source.js'
import type { MetricsSource, MetricsSourceConfig } from './types.js'

export interface SourceOverrides {
  /** `--metrics-url`: a Prometheus-compatible query API, in place of the config's source. */
  metricsUrl?: string
  timeoutMs?: number
  /** The NDJSON source (built with `rollout simulate`); injected so this module does not depend on it. */
  ndjson?: (path: string) => MetricsSource
}

/** The source a watch reads: `--metrics-url` first, else `rollout.metrics` from the config. */
export function metricsSourceFor(
  config: MetricsSourceConfig | undefined,
  overrides: SourceOverrides = {}
): MetricsSource {
  const timeout = overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs }
  if (overrides.metricsUrl) {
    const headers = config && 'prometheus' in config ? config.prometheus.headers : undefined
    return createPrometheusSource({
      url: checkedUrl(overrides.metricsUrl, '--metrics-url'),
      ...(headers ? { headers } : {}),
      ...timeout
    })
  }
  if (!config)
    throw new UserError(
      'rollout watch needs a metrics source: rollout.metrics in the config (prometheus, http or ndjson), or --metrics-url URL.'
    )
  if ('prometheus' in config)
    return createPrometheusSource({
      ...config.prometheus,
      url: checkedUrl(config.prometheus.url, 'rollout.metrics.prometheus.url'),
      ...timeout
    })
  if ('http' in config)
    return createHttpSource({
      ...config.http,
      url: checkedUrl(config.http.url, 'rollout.metrics.http.url'),
      ...timeout
    })
  if (!overrides.ndjson)
    throw new UserError('rollout.metrics.ndjson is not available in this build; use prometheus or http.')
  return overrides.ndjson(config.ndjson.path)
}

function checkedUrl(raw: string, where: string): string {
  try {
    const url = new URL(raw)
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw
  } catch {
    // reported below
  }
  throw new UserError(
    `${where} is ${JSON.stringify(raw)}; it takes an http(s) URL such as http://prometheus:9090`
  )
}
