import type { CaseChange } from '../compare/types.js'
import { renderBanner } from './banner.js'
import { renderCaseRow } from './case-row.js'
import { renderRemoved, renderWhyEvaluated } from './evaluated-list.js'
import { renderFoot } from './foot.js'
import type { DetailLimits } from './limits.js'
import { COMMENT_MARKER } from './marker.js'
import { planReport, type ReportPlan, type RowPlan } from './plan.js'
import { renderSectionOpen, renderSectionTail, SECTION_CLOSE } from './section.js'
import { renderSummaryTable, summaryRowCount } from './summary-table.js'
import type { ReportInput } from './types.js'
import { renderWarnings } from './warnings.js'

/** Where a report goes and what it may spend. */
export interface RenderTarget {
  budget: number
  /** Size as the destination counts it: characters for a comment, UTF-8 bytes for the job summary. */
  measure: (text: string) => number
  /** Full values, then shortened ones. */
  levels: readonly [DetailLimits, DetailLimits]
  withMarker: boolean
  /** Names the limit in the note about what was left out. */
  limitName: string
  /** Where the reader finds what was left out (trusted markdown). */
  fullReportHint: string
}

/**
 * Which rows a rendering keeps: ranks below `maxRank`. Rows are ranked tier by tier (errors,
 * regressions, improvements, changes), so a lower `maxRank` drops changed rows first, then
 * improved ones, then the last regressions.
 */
interface Selection {
  level: 0 | 1
  maxRank: number
}

const SEPARATOR = '\n\n'

/** Blocks joined by blank lines, refusing any block that would break the budget. */
class BoundedBlocks {
  private readonly blocks: (string | undefined)[] = []
  // The final newline, less the separator the first block does not have.
  private size = 1 - SEPARATOR.length

  constructor(private readonly target: RenderTarget) {}

  add(block: string | undefined): boolean {
    if (block === undefined) return true
    const added = this.cost(block)
    if (this.size + added > this.target.budget) return false
    this.blocks.push(block)
    this.size += added
    return true
  }

  /** Holds room for a block decided later, at this position; `fill` must not be larger than `largest`. */
  reserve(largest: string): number | undefined {
    const index = this.blocks.length
    return this.add(largest) ? index : undefined
  }

  fill(index: number, block: string | undefined): void {
    const held = this.blocks[index]
    if (held === undefined) return
    const difference = (block === undefined ? 0 : this.cost(block)) - this.cost(held)
    if (difference > 0) throw new Error('a reserved block grew')
    this.blocks[index] = block
    this.size += difference
  }

  text(): string {
    return `${this.blocks.filter(block => block !== undefined).join(SEPARATOR)}\n`
  }

  private cost(block: string): number {
    return this.target.measure(block) + SEPARATOR.length
  }
}

function isKept(row: RowPlan, selection: Selection): boolean {
  return row.rank < selection.maxRank
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

function omissionNote(
  plan: ReportPlan,
  selection: Selection,
  target: RenderTarget,
  shortened: boolean
): string | undefined {
  const counts = new Map<CaseChange, number>()
  for (const row of plan.sections.flatMap(section => section.rows)) {
    if (!isKept(row, selection))
      counts.set(row.comparison.change, (counts.get(row.comparison.change) ?? 0) + 1)
  }
  const order: CaseChange[] = ['error', 'regressed', 'new', 'improved', 'changed']
  const left = order.flatMap(change => {
    const count = counts.get(change) ?? 0
    return count > 0 ? [`${count.toLocaleString('en-US')} ${change === 'error' ? 'errored' : change}`] : []
  })
  if (left.length === 0 && !shortened) return undefined
  const what = [
    ...(left.length > 0 ? [`leaves out ${joinWords(left)} rows`] : []),
    ...(shortened ? ['cuts long values'] : [])
  ].join(' and ')
  return `✂️ To fit ${target.limitName}, this report ${what}. ${target.fullReportHint}`
}

class ReportRenderer {
  private readonly plan: ReportPlan
  private readonly rowCache = new Map<RowPlan, string[]>()

  constructor(
    private readonly input: ReportInput,
    private readonly target: RenderTarget
  ) {
    this.plan = planReport(input.comparison)
  }

  render(): string {
    for (const level of [0, 1] as const) {
      const text = this.assemble({ level, maxRank: Infinity })
      if (text !== undefined) return text
    }
    const fitting = largestFitting(this.plan.rowCount, count => this.assemble({ level: 1, maxRank: count }))
    return fitting ?? this.renderSummaryOnly()
  }

  private header(blocks: BoundedBlocks, tableRows = Infinity): boolean {
    const { comparison, context } = this.input
    if (this.target.withMarker && !blocks.add(COMMENT_MARKER)) return false
    if (!blocks.add(renderBanner(comparison, context))) return false
    if (this.plan.prompts.length === 0) return blocks.add(renderRemoved(comparison.prompts))
    return blocks.add(renderSummaryTable(this.plan.prompts, tableRows))
  }

  private row(row: RowPlan, level: 0 | 1): string {
    const cached = this.rowCache.get(row) ?? []
    cached[level] ??= renderCaseRow(row.comparison, this.target.levels[level])
    this.rowCache.set(row, cached)
    return cached[level]
  }

  /** The whole report for one selection, or undefined when it would break the budget. */
  private assemble(selection: Selection): string | undefined {
    const { comparison, context } = this.input
    // The foot is reserved first so the sections cannot crowd it out.
    const foot = renderFoot(comparison, context)
    const reserve = foot === undefined ? 0 : this.target.measure(foot) + SEPARATOR.length
    const reserved = new BoundedBlocks({ ...this.target, budget: this.target.budget - reserve })
    if (!this.header(reserved)) return undefined
    if (!reserved.add(renderWarnings(context.warnings))) return undefined
    if (this.plan.prompts.length > 0) {
      if (!reserved.add(renderWhyEvaluated(this.plan.prompts, context.baseVersions))) return undefined
      if (!reserved.add(renderRemoved(comparison.prompts))) return undefined
    }
    // The note comes before the sections, but whether any value was cut is known only after them.
    const largestNote = omissionNote(this.plan, selection, this.target, selection.level > 0)
    const noteSlot = largestNote === undefined ? undefined : reserved.reserve(largestNote)
    if (largestNote !== undefined && noteSlot === undefined) return undefined
    let shortened = false
    for (const section of this.plan.sections) {
      const kept = section.rows.filter(row => isKept(row, selection))
      if (kept.length === 0) continue
      const omitted = section.rows.filter(row => !isKept(row, selection))
      if (!reserved.add(renderSectionOpen(section))) return undefined
      for (const row of kept) {
        if (!reserved.add(this.row(row, selection.level))) return undefined
        shortened ||= selection.level > 0 && this.row(row, 0) !== this.row(row, selection.level)
      }
      if (!reserved.add(renderSectionTail(section, omitted))) return undefined
      if (!reserved.add(SECTION_CLOSE)) return undefined
    }
    if (noteSlot !== undefined)
      reserved.fill(noteSlot, omissionNote(this.plan, selection, this.target, shortened))
    return foot === undefined ? reserved.text() : `${reserved.text().slice(0, -1)}${SEPARATOR}${foot}\n`
  }

  /** Last resort when even the header is too big: the verdict and as much of the table as fits. */
  private renderSummaryOnly(): string {
    const { comparison, context } = this.input
    const note = `✂️ This report is too large for ${this.target.limitName}; only its summary is shown. ${this.target.fullReportHint}`
    const attempt = (tableRows: number) => {
      const blocks = new BoundedBlocks(this.target)
      if (!this.header(blocks, tableRows)) return undefined
      if (!blocks.add(note)) return undefined
      return blocks.add(renderFoot(comparison, context)) ? blocks.text() : undefined
    }
    const rows = summaryRowCount(this.plan.prompts)
    return largestFitting(rows, attempt) ?? this.truncated()
  }

  /** Only reachable with a budget smaller than the verdict banner itself. */
  private truncated(): string {
    let text = `${this.target.withMarker ? `${COMMENT_MARKER}\n\n` : ''}${renderBanner(this.input.comparison, this.input.context)}`
    while (text.length > 0 && this.target.measure(text) > this.target.budget)
      text = text.slice(0, Math.floor(text.length * 0.9))
    return text
  }
}

/**
 * The result for the largest count in [0, max] whose rendering fits, found by bisection
 * (the size grows with the count); undefined when even 0 does not fit.
 */
function largestFitting(max: number, render: (count: number) => string | undefined): string | undefined {
  let best = render(0)
  if (best === undefined) return undefined
  let low = 0
  let high = max
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    const text = render(middle)
    if (text === undefined) {
      high = middle - 1
    } else {
      low = middle
      best = text
    }
  }
  return best
}

/** Renders the report for a target, degrading detail until it fits the target's budget. */
export function renderReport(input: ReportInput, target: RenderTarget): string {
  return new ReportRenderer(input, target).render()
}
