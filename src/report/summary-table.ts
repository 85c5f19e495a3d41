import { markdownTable } from 'markdown-table'
import { formatDelta, formatNumber, formatPValue } from '../compare/format.js'
import { describeThreshold } from '../compare/thresholds.js'
import type { MetricComparison, PromptComparison } from '../compare/types.js'
import { escapeText, inlineCode } from './escape.js'
import { plural } from './format.js'

const HEADER = ['Prompt', 'Metric', 'Base', 'Head', 'Δ', 'Threshold']
// p and n go before the threshold, whose cell is the longest.
const STATS_HEADER = ['Prompt', 'Metric', 'Base', 'Head', 'Δ', 'p', 'n', 'Threshold']
const STATS_LEGEND =
  '<sub>p: one-sided exact test that head is worse, paired by case (McNemar for pass/fail, ' +
  'sign test otherwise) · n: cases run on both sides (× runs per case) · ' +
  'range after a head pass rate: 95% Wilson interval</sub>'

function value(number: number | undefined): string {
  return number === undefined ? '—' : formatNumber(number)
}

function headValue(metric: MetricComparison): string {
  const { interval } = metric
  if (metric.head === undefined || interval === undefined) return value(metric.head)
  return `${formatNumber(metric.head)} (${formatNumber(interval.low)}–${formatNumber(interval.high)})`
}

function status(metric: MetricComparison): string {
  const text = thresholdStatus(metric)
  return metric.underpowered
    ? `${text} · ⚠️ ${escapeText(metric.underpoweredReason ?? 'too few cases')}`
    : text
}

function thresholdStatus(metric: MetricComparison): string {
  switch (metric.status) {
    case 'met':
      // A reason on a met threshold says why a drop did not count (not significant).
      if (metric.reason !== undefined) return `✅ ${escapeText(metric.reason)}`
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

function sampleSize(metric: MetricComparison, prompt: PromptComparison): string {
  if (metric.samples === undefined) return ''
  const cases = metric.samples.toLocaleString('en-US')
  return prompt.repeats === undefined ? cases : `${cases} × ${prompt.repeats}`
}

/** The p and n cells, only when some metric in the table carries statistics. */
function statsCells(metric: MetricComparison, prompt: PromptComparison): string[] {
  return [metric.pValue === undefined ? '' : formatPValue(metric.pValue), sampleSize(metric, prompt)]
}

function promptRows(prompt: PromptComparison, withStats: boolean): string[][] {
  const blank = withStats ? ['', ''] : []
  const rows: string[][] = prompt.metrics.map(metric => [
    '',
    inlineCode(metric.metric, { inTable: true, max: 60 }),
    value(metric.base),
    withStats ? headValue(metric) : value(metric.head),
    metric.delta === undefined ? '—' : formatDelta(metric.delta),
    ...(withStats ? statsCells(metric, prompt) : []),
    status(metric)
  ])
  if (prompt.errors.base + prompt.errors.head > 0) {
    rows.unshift([
      '',
      'failed calls',
      String(prompt.errors.base),
      String(prompt.errors.head),
      '',
      ...blank,
      '⚠️ errors'
    ])
  }
  if (prompt.cases.length === 0) rows.push(['', '—', '', '', '', ...blank, 'no test cases'])
  rows[0]![0] = promptCell(prompt)
  return rows
}

/** Statistics are in play when a case repeats or a threshold asks for significance. */
function hasStats(prompts: PromptComparison[]): boolean {
  return prompts.some(prompt =>
    prompt.metrics.some(metric => metric.samples !== undefined || metric.interval !== undefined)
  )
}

/**
 * One table for every evaluated prompt, one row per metric; p and n columns and a one-line
 * legend only when statistics are in play. `maxRows` cuts it (with a note) only when even the
 * table would break the size budget.
 */
export function renderSummaryTable(prompts: PromptComparison[], maxRows = Infinity): string {
  const withStats = hasStats(prompts)
  const rows = prompts.flatMap(prompt => promptRows(prompt, withStats))
  const shown = rows.slice(0, maxRows)
  const header = withStats ? STATS_HEADER : HEADER
  const table = markdownTable([header, ...shown], {
    align: withStats ? ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'] : ['l', 'l', 'r', 'r', 'r', 'l'],
    alignDelimiters: false
  })
  const blocks = [table]
  if (withStats) blocks.push(STATS_LEGEND)
  const hidden = rows.length - shown.length
  if (hidden > 0) blocks.push(`*${plural(hidden, 'more metric row')} left out of this table.*`)
  return blocks.join('\n\n')
}

export function summaryRowCount(prompts: PromptComparison[]): number {
  return prompts.reduce((total, prompt) => total + promptRows(prompt, false).length, 0)
}
