import type { MetricWindow } from './types.js'

/** `$window` is never shorter than this: a range query over less than a scrape or two says nothing. */
export const MIN_WINDOW_SECONDS = 5

/** The window from a stage's start to `end`, in whole seconds, at least five. */
export function metricWindow(start: Date, end: Date): MetricWindow {
  const seconds = Math.max(MIN_WINDOW_SECONDS, Math.floor((end.getTime() - start.getTime()) / 1000))
  return { start, end, seconds }
}

/** Fills `$digest` and `$window` (`<N>s`) into a guardrail's query. */
export function substituteQuery(query: string, digest: string, window: MetricWindow): string {
  return query.replaceAll('$digest', digest).replaceAll('$window', `${window.seconds}s`)
}
