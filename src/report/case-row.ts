import type { AssertionResult } from '../assertions/types.js'
import { formatNumber } from '../compare/format.js'
import type { CaseChange, CaseComparison } from '../compare/types.js'
import type { CaseResult } from '../eval/types.js'
import { diffOutputs, renderOutput, renderOutputDiff, type DiffLine } from './diff.js'
import { codeBlock, escapeText, inlineCode, sanitize } from './escape.js'
import type { DetailLimits } from './limits.js'

const HEADINGS: Record<CaseChange, string> = {
  error: '⚠️ Error',
  regressed: '❌ Regressed',
  improved: '✅ Improved',
  changed: '✏️ Changed',
  new: '🆕 New',
  unchanged: 'Unchanged'
}

interface MetricView {
  /** Runs with the metric, and of those the runs where all its assertions pass. */
  runs: number
  passed: number
  /** Mean over those runs of the metric's mean score. */
  score: number
  reason?: string
}

function metricView(results: readonly CaseResult[], metric: string): MetricView | undefined {
  const view: MetricView = { runs: 0, passed: 0, score: 0 }
  for (const result of results) {
    const assertions = result.assertions.filter(assertion => assertion.metric === metric)
    if (assertions.length === 0) continue
    const failed = assertions.find(assertion => !assertion.pass)
    view.runs += 1
    view.passed += failed === undefined ? 1 : 0
    view.score += assertions.reduce((total, assertion) => total + assertion.score, 0) / assertions.length
    view.reason ??= failed?.reason
  }
  if (view.runs === 0) return undefined
  return { ...view, score: view.score / view.runs }
}

function outcome(view: MetricView | undefined): string {
  if (!view) return '—'
  if (view.runs === 1) return `${view.passed === 1 ? '✅' : '❌'} ${formatNumber(view.score)}`
  const icon = view.passed === view.runs ? '✅' : view.passed === 0 ? '❌' : '🔸'
  return `${icon} ${view.passed}/${view.runs} pass, ${formatNumber(view.score)}`
}

/** Every run of a side when the case repeats, else its one result. */
function runsOf(comparison: CaseComparison, side: 'base' | 'head'): CaseResult[] {
  const samples = comparison.samples?.[side]
  if (samples !== undefined) return samples.results
  const result = comparison[side]
  return result === undefined ? [] : [result]
}

function heading(comparison: CaseComparison, limits: DetailLimits): string {
  const { case: testCase, change, head } = comparison
  const parts = [`**${HEADINGS[change]}**`]
  const runs = comparison.samples?.head
  if (change === 'new' && runs && runs.results.length > 1)
    parts.push(`passes ${runs.passed}/${runs.results.length}`)
  else if (change === 'new' && head) parts.push(head.pass ? 'passes' : 'fails')
  parts.push(`case ${inlineCode(testCase.id, { max: 80 })}`)
  if (testCase.description) parts.push(escapeText(testCase.description, limits.description))
  return parts.join(' · ')
}

function formatVar(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function varsFact(
  vars: Record<string, unknown>,
  expected: string | undefined,
  limits: DetailLimits
): string | undefined {
  // A *.prompt.yml row's `expected` var is also the case's expected value, shown on its own line.
  const entries = Object.entries(vars).filter(([name, value]) => !(name === 'expected' && value === expected))
  if (entries.length === 0) return undefined
  const shown = entries
    .slice(0, limits.vars)
    .map(
      ([name, value]) =>
        `${inlineCode(name, { max: 60 })} = ${inlineCode(formatVar(value), { max: limits.varValue })}`
    )
  const more = entries.length - limits.vars
  return `**vars:** ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`
}

function callErrorFacts({ base, head }: CaseComparison, limits: DetailLimits): string[] {
  const facts: string[] = []
  for (const [side, result] of [
    ['base', base],
    ['head', head]
  ] as const) {
    if (result?.call.error !== undefined) {
      facts.push(`**${side} call failed:** ${escapeText(result.call.error, limits.error)}`)
    }
  }
  if (facts.length === 0) facts.push('**no result** for this case (the run did not finish it)')
  return facts
}

function metricFact(
  metric: string,
  before: MetricView | undefined,
  after: MetricView | undefined,
  limits: DetailLimits
) {
  const transition = before ? `${outcome(before)} → ${outcome(after)}` : outcome(after)
  const failing = after !== undefined && after.passed < after.runs
  const reason = failing && after.reason ? ` — ${escapeText(after.reason, limits.reason)}` : ''
  return `${inlineCode(metric, { max: 80 })}: ${transition}${reason}`
}

/** The assertions whose result changed; for a new case, those that fail. */
function assertionFacts(comparison: CaseComparison, limits: DetailLimits): string[] {
  const { change, changedMetrics } = comparison
  const base = runsOf(comparison, 'base')
  const head = runsOf(comparison, 'head')
  if (change === 'new' && head.length > 0) {
    const failing = head.flatMap(run =>
      run.assertions.filter(a => !a.pass).map((a: AssertionResult) => a.metric)
    )
    return [...new Set(failing)].map(metric =>
      metricFact(metric, undefined, metricView(head, metric), limits)
    )
  }
  return changedMetrics.map(metric =>
    metricFact(metric, metricView(base, metric), metricView(head, metric), limits)
  )
}

/** With repeats: how many runs passed per side, and which run the output below comes from. */
function runsFact(comparison: CaseComparison): string | undefined {
  const { samples } = comparison
  if (samples === undefined) return undefined
  const sides = (['base', 'head'] as const).flatMap(side => {
    const runs = samples[side]
    return runs === undefined ? [] : [{ side, runs, shown: comparison[side] }]
  })
  const passed = sides
    .map(({ side, runs }) => `${side} ${runs.passed}/${runs.results.length} pass`)
    .join(' → ')
  const shown = sides.flatMap(({ side, runs, shown }) => {
    const index = shown === undefined ? -1 : runs.results.indexOf(shown)
    return shown === undefined || index < 0 ? [] : [`${side} run ${(shown.repeat ?? index) + 1}`]
  })
  return `**runs:** ${passed}${shown.length > 0 ? ` (output of ${shown.join(' and ')} shown)` : ''}`
}

/** A row is rendered at more than one level while the report is fitted; its diff is computed once. */
const diffCache = new WeakMap<CaseComparison, DiffLine[]>()

function cachedDiff(comparison: CaseComparison, before: string, after: string): DiffLine[] {
  let diff = diffCache.get(comparison)
  if (!diff) {
    diff = diffOutputs(before, after)
    diffCache.set(comparison, diff)
  }
  return diff
}

function outputBlock(comparison: CaseComparison, limits: DetailLimits): string | undefined {
  const { base, head } = comparison
  // Sanitised before diffing so a stray \r cannot split a diff line without its -/+ prefix.
  const before = base && base.call.error === undefined ? sanitize(base.call.output) : undefined
  const after = head && head.call.error === undefined ? sanitize(head.call.output) : undefined
  if (before !== undefined && after !== undefined) {
    if (before === after) return `Output unchanged:\n\n${codeBlock(renderOutput(after, limits.diff), 'text')}`
    return codeBlock(
      renderOutputDiff(before, after, limits.diff, cachedDiff(comparison, before, after)),
      'diff'
    )
  }
  const [label, only] = after !== undefined ? ['Head output', after] : ['Base output', before]
  if (only === undefined) return undefined
  return `${label}:\n\n${codeBlock(renderOutput(only, limits.diff), 'text')}`
}

/** One case in a prompt's details: what changed, its inputs, the assertions that moved, the output diff. */
export function renderCaseRow(comparison: CaseComparison, limits: DetailLimits): string {
  const facts: string[] = []
  const vars = varsFact(comparison.case.vars, comparison.case.expected, limits)
  if (vars) facts.push(vars)
  if (comparison.case.expected !== undefined) {
    facts.push(`**expected:** ${inlineCode(comparison.case.expected, { max: limits.expected })}`)
  }
  const runs = runsFact(comparison)
  if (runs) facts.push(runs)
  // A failed call has no meaningful assertion results: the error is the news.
  if (comparison.change === 'error') facts.push(...callErrorFacts(comparison, limits))
  else facts.push(...assertionFacts(comparison, limits))
  const blocks = [heading(comparison, limits)]
  if (facts.length > 0) blocks.push(facts.map(fact => `- ${fact}`).join('\n'))
  const output = outputBlock(comparison, limits)
  if (output) blocks.push(output)
  return blocks.join('\n\n')
}
