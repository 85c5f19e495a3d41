import type { CaseChange } from '../compare/types.js'
import { escapeHtmlText } from './escape.js'
import { plural } from './format.js'
import type { RowPlan, SectionPlan } from './plan.js'
import type { RegisteredBase } from './types.js'

const LISTED_CHANGES: CaseChange[] = ['error', 'regressed', 'new', 'improved', 'changed']

function describeCounts(counts: Partial<Record<CaseChange, number>>, changes: CaseChange[]): string[] {
  return changes.flatMap(change => {
    const count = counts[change] ?? 0
    if (count === 0) return []
    return [change === 'error' ? plural(count, 'error') : `${count.toLocaleString('en-US')} ${change}`]
  })
}

function icon(section: SectionPlan): string {
  if (section.counts.error > 0) return '⚠️'
  if (section.prompt.regressed) return '❌'
  if (section.counts.regressed > 0) return '🔸'
  return '📄'
}

/** `<details>` opening with a one-line summary; open when the prompt needs attention. */
export function renderSectionOpen(section: SectionPlan): string {
  const { prompt, counts } = section
  const open = counts.error > 0 || prompt.regressed
  const path = `<code>${escapeHtmlText(prompt.path, 160)}</code>`
  const counted = describeCounts(counts, [...LISTED_CHANGES, 'unchanged']).join(' · ')
  return `<details${open ? ' open' : ''}>\n<summary>${icon(section)} ${path} — ${counted}</summary>`
}

/** `base: v3, stable`: the registered version the pull request changes, and the channels serving it. */
export function describeBase(base: RegisteredBase): string {
  return [`base: v${base.version}`, ...base.channels.map(channel => escapeHtmlText(channel, 20))].join(', ')
}

/** What the section does not list: unchanged cases, and rows left out for size. */
export function renderSectionTail(section: SectionPlan, omitted: RowPlan[]): string | undefined {
  const notes: string[] = []
  if (section.counts.unchanged > 0)
    notes.push(`${plural(section.counts.unchanged, 'unchanged case')} not listed.`)
  if (omitted.length > 0) {
    const counts: Partial<Record<CaseChange, number>> = {}
    for (const row of omitted) counts[row.comparison.change] = (counts[row.comparison.change] ?? 0) + 1
    notes.push(`Left out for size: ${describeCounts(counts, LISTED_CHANGES).join(', ')}.`)
  }
  return notes.length > 0 ? `*${notes.join(' ')}*` : undefined
}

export const SECTION_CLOSE = '</details>'
