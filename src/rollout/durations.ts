const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000
}

/** Units in the order Prometheus requires them in a combined duration such as `1h30m`. */
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms']
const PART = /(\d+)(ms|[smhdwy])/y

/**
 * Seconds in a Prometheus-style duration: `30s`, `5m`, `1h`, `1d`, `1w`, `1y`, `250ms`, or units
 * combined from largest to smallest (`1h30m`). Throws a RangeError that says what is accepted.
 */
export function parseDuration(text: string): number {
  const problem = () =>
    new RangeError(
      `"${text}" is not a duration; write a number and a unit, e.g. 30s, 5m, 1h, 1d or 1h30m (units ms, s, m, h, d, w, y, largest first)`
    )
  if (text === '') throw problem()
  PART.lastIndex = 0
  let seconds = 0
  let lastUnit = -1
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex
    const match = PART.exec(text)
    if (!match || match.index !== start) throw problem()
    const unit = UNIT_ORDER.indexOf(match[2]!)
    if (unit <= lastUnit) throw problem()
    lastUnit = unit
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!
  }
  return seconds
}

/** A duration as people read it: `1h30m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`
  let rest = Math.floor(seconds)
  const parts: string[] = []
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[unit]!
    const count = Math.floor(rest / size)
    if (count > 0) parts.push(`${count}${unit}`)
    rest -= count * size
  }
  return parts.join('') || '0s'
}
