import { describe, expect, it } from '@jest/globals'
import { metricsSourceFor } from '../../../src/rollout/metrics-source.js'
import type { MetricsSource } from '../../../src/rollout/types.js'

describe('metricsSourceFor', () => {
  it('takes the config source, and --metrics-url over it', () => {
    expect(metricsSourceFor({ prometheus: { url: 'http://prom:9090/' } }).describe).toBe(
      'the Prometheus query API at http://prom:9090'
    )
    expect(metricsSourceFor({ http: { url: 'https://metrics.example/rollout' } }).describe).toBe(
      'the metrics endpoint https://metrics.example/rollout'
    )
    expect(
      metricsSourceFor(
        { http: { url: 'https://metrics.example/rollout' } },
        { metricsUrl: 'http://thanos:10902' }
      ).describe
    ).toBe('the Prometheus query API at http://thanos:10902')
    const ndjson: MetricsSource = { describe: 'events.ndjson', read: async () => ({ value: 1 }) }
    expect(metricsSourceFor({ ndjson: { path: 'events.ndjson' } }, { ndjson: () => ndjson })).toBe(ndjson)
  })

  it('says what to configure when there is no source or its URL is not http(s)', () => {
    expect(() => metricsSourceFor(undefined)).toThrow(
      'rollout watch needs a metrics source: rollout.metrics in the config (prometheus, http or ndjson), or --metrics-url URL.'
    )
    expect(() => metricsSourceFor({ prometheus: { url: '${PROMETHEUS_URL}' } })).toThrow(
      'rollout.metrics.prometheus.url is "${PROMETHEUS_URL}"; it takes an http(s) URL'
    )
    expect(() => metricsSourceFor(undefined, { metricsUrl: 'prom:9090' })).toThrow(
      '--metrics-url is "prom:9090"'
    )
  })
})
