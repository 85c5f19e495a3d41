/** Formats a metric value: two decimals for rates and scores, whole numbers from 100 up (latency, tokens). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US')
  // Tiny non-zero values (a cost per call) would read as 0.00.
  if (magnitude > 0 && magnitude < 0.005) return value.toPrecision(2)
  return value.toFixed(2)
}

/** A signed delta; a true minus sign so a drop is visible at a glance. */
export function formatDelta(delta: number): string {
  // Float noise (0.1 + 0.2 - 0.3) is no change.
  if (Math.abs(delta) < 1e-9) return formatNumber(0)
  const text = formatNumber(Math.abs(delta))
  if (/^[0.,]+$/.test(text)) return text
  return delta > 0 ? `+${text}` : `\u2212${text}`
}

/** A p-value: two decimals from 0.1, two significant digits down to 0.001, then exponent form. */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return String(p)
  if (p >= 0.1) return p.toFixed(2)
  if (p >= 0.001) return p.toPrecision(2)
  return p === 0 ? '0' : p.toExponential(1)
}
