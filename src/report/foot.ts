import type { Comparison } from '../compare/types.js'
import type { ReportContext } from './types.js'
import { formatCost, formatDuration, plural, runLink, shortSha } from './format.js'

/** Cost, tokens, duration and the run link: the last line of the report. */
export function renderFoot(comparison: Comparison, context: ReportContext): string | undefined {
  const { totals } = comparison
  const parts: string[] = []
  const base = shortSha(context.baseSha)
  const head = shortSha(context.headSha)
  if (base && head) parts.push(`base ${base} → head ${head}`)
  if (totals.calls > 0)
    parts.push(`${plural(totals.calls, 'model call')} in ${formatDuration(totals.durationMs)}`)
  if (totals.tokens.base + totals.tokens.head > 0) {
    parts.push(
      `tokens: base ${totals.tokens.base.toLocaleString('en-US')}, head ${totals.tokens.head.toLocaleString('en-US')}`
    )
  }
  if (totals.cost.base + totals.cost.head > 0) {
    parts.push(`cost: base ${formatCost(totals.cost.base)}, head ${formatCost(totals.cost.head)}`)
  }
  const link = runLink(context.runUrl)
  if (link) parts.push(link)
  return parts.length > 0 ? `---\n\n<sub>${parts.join(' · ')}</sub>` : undefined
}
