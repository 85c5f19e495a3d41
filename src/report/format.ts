/** Small formatters for trusted values (counts, durations, SHAs, the run link). */

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`
}

export function formatCost(usd: number): string {
  if (usd === 0 || Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`
  // Two significant digits, so a small but real cost never reads as $0.0000.
  return `$${usd.toFixed(Math.min(8, 1 - Math.floor(Math.log10(Math.abs(usd)))))}`
}

/** The 7-character form of a SHA, as inline code; anything that is not a SHA is left out. */
export function shortSha(sha: string | undefined): string | undefined {
  return sha !== undefined && /^[0-9a-f]{7,64}$/i.test(sha) ? `\`${sha.slice(0, 7)}\`` : undefined
}

/** A markdown link to the workflow run, only for a plain http(s) URL. */
export function runLink(url: string | undefined, text = 'workflow run'): string | undefined {
  if (url === undefined || !/^https?:\/\/[^\s<>()[\]`"']+$/.test(url)) return undefined
  return `[${text}](${url})`
}
