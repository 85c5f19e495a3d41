import { markdownTable } from 'markdown-table'
import { formatDelta, formatNumber } from '../compare/format.js'
import { describeThreshold } from '../compare/thresholds.js'
import type { MetricComparison, PromptComparison } from '../compare/types.js'
import { escapeText, inlineCode } from './escape.js'
import { plural } from './format.js'

const HEADER = ['Prompt', 'Metric', 'Base', 'Head', 'Δ', 'Threshold']

function value(number: number | undefined): string {
  return number === undefined ? '—' : formatNumber(number)
}

function status(metric: MetricComparison): string {
  switch (metric.status) {
    case 'met':
      return metric.threshold ? `✅ ${describeThreshold(metric.threshold)}` : '✅'
    case 'broken':
      return `❌ ${escapeText(metric.reason ?? 'threshold broken')}`
    case 'no-baseline':
      return metric.threshold
        ? `🆕 no baseline; ${describeThreshold(metric.threshold)} met`
        : '🆕 no baseline'
    case 'no-threshold':
      return '—'
  }
}

function promptCell(prompt: PromptComparison): string {
  const path = inlineCode(prompt.path, { inTable: true, max: 120 })
  if (prompt.previousPath === undefined || prompt.previousPath === prompt.path) return path
  return `${path} (was ${inlineCode(prompt.previousPath, { inTable: true, max: 120 })})`
}

function promptRows(prompt: PromptComparison): string[][] {
  const rows: string[][] = prompt.metrics.map(metric => [
    '',
    inlineCode(metric.metric, { inTable: true, max: 60 }),
    value(metric.base),
    value(metric.head),
    metric.delta === undefined ? '—' : formatDelta(metric.delta),
    status(metric)
  ])
  if (prompt.errors.base + prompt.errors.head > 0) {
    rows.unshift([
      '',
      'failed calls',
      String(prompt.errors.base),
      String(prompt.errors.head),
      '',
      '⚠️ errors'
    ])
  }
  if (prompt.cases.length === 0) rows.push(['', '—', '', '', '', 'no test cases'])
  rows[0]![0] = promptCell(prompt)
  return rows
}

/**
 * One table for every evaluated prompt, one row per metric. `maxRows` cuts it (with a
 * note) only when even the table would break the size budget.
 */
export function renderSummaryTable(prompts: PromptComparison[], maxRows = Infinity): string {
  const rows = prompts.flatMap(promptRows)
  const shown = rows.slice(0, maxRows)
  const table = markdownTable([HEADER, ...shown], {
    align: ['l', 'l', 'r', 'r', 'r', 'l'],
    alignDelimiters: false
  })
  const hidden = rows.length - shown.length
  return hidden > 0 ? `${table}\n\n*${plural(hidden, 'more metric row')} left out of this table.*` : table
}

export function summaryRowCount(prompts: PromptComparison[]): number {
  return prompts.reduce((total, prompt) => total + promptRows(prompt).length, 0)
}
