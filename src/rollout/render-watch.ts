import type { GuardrailFigures, SideReading } from './types.js'
import { readingNotes, type PromptWatch } from './watch.js'

const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`
const number = (value: number): string => String(Number(value.toFixed(value < 10 ? 4 : 1)))

function side(reading: SideReading): string {
  return 'value' in reading
    ? number(reading.value)
    : `${number(reading.bad)}/${number(reading.total)} ${percent(reading.rate)}`
}

function test(figures: GuardrailFigures): string {
  if (figures.p_value !== undefined) {
    const p = figures.p_value < 0.0001 ? 'p<0.0001' : `p=${figures.p_value.toFixed(4)}`
    return `${p}${figures.alpha !== undefined ? ` (α ${Number(figures.alpha.toPrecision(2))})` : ''}`
  }
  if (figures.interval) return `[${number(figures.interval.low)}, ${number(figures.interval.high)}]`
  return '-'
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map(row => row[column]?.length ?? 0))) ?? []
  return rows.map(
    row =>
      `  ${row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}`
  )
}

/** One line per prompt (decision, stage, reason), then its guardrails' figures. */
export function renderWatch(prompts: PromptWatch[]): string {
  if (prompts.length === 0) return 'No prompt has a canary: nothing to watch.'
  const lines: string[] = []
  for (const entry of prompts) {
    if (entry.status === 'skipped') {
      lines.push(`${entry.prompt}: skipped: ${entry.note}`)
      continue
    }
    const { record } = entry
    const move =
      record.decision === 'advance'
        ? ` → ${record.next_stage === 100 ? 'promoted' : `${record.next_stage}%`}`
        : ''
    lines.push(
      `${record.prompt}: ${record.decision} at stage ${record.stage}%${move} (canary v${record.canary.version} vs stable v${record.stable.version}): ${record.reason}`
    )
    lines.push(
      ...table([
        ['guardrail', 'stable', 'canary', 'test', 'breached'],
        ...record.guardrails.map(figures => [
          figures.name,
          side(figures.stable),
          side(figures.canary),
          test(figures),
          figures.breached ? 'yes' : figures.underpowered ? 'no (too few samples)' : 'no'
        ])
      ])
    )
    for (const note of readingNotes(record)) lines.push(`  note: ${note}`)
  }
  return lines.join('\n')
}
