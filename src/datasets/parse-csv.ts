import type { AssertionSpec } from '../assertions/types.js'
import { UserError } from '../errors.js'
import { closestMatch } from '../prompts/did-you-mean.js'
import { assertionFromExpected } from './csv-expected.js'
import { CsvSyntaxError, parseCsvRecords, type CsvRecord } from './csv.js'
import type { RawCase } from './raw-case.js'

const SPECIAL_COLUMNS = ['__expected', '__description', '__metric']

function checkHeader(columns: string[], file: string, line: number): void {
  const seen = new Set<string>()
  columns.forEach((column, index) => {
    if (column === '') throw new UserError(`column ${index + 1} of the header has no name`, { file, line })
    if (seen.has(column))
      throw new UserError(`column "${column}" appears twice in the header`, { file, line })
    seen.add(column)
    const special = column.startsWith('__')
    if (!special || column.startsWith('__expected') || column.startsWith('__metadata')) return
    if (SPECIAL_COLUMNS.includes(column)) return
    const suggestion = closestMatch(column, SPECIAL_COLUMNS)
    const help = suggestion ? `; did you mean "${suggestion}"?` : '.'
    throw new UserError(
      `column "${column}" is not supported${help} Special columns: __expected, __expected<N>, ` +
        '__description, __metric (__metadata:<name> columns are ignored)',
      { file, line }
    )
  })
}

function caseFromRow(columns: string[], row: CsvRecord): RawCase {
  const vars: Record<string, string> = {}
  const assert: AssertionSpec[] = []
  let description: string | undefined
  let metric: string | undefined
  let expected: string | undefined
  columns.forEach((column, index) => {
    const cell = row.fields[index] ?? ''
    const trimmed = cell.trim()
    if (column.startsWith('__expected')) {
      if (trimmed === '') return
      assert.push(assertionFromExpected(trimmed))
      expected ??= trimmed
    } else if (column === '__description') {
      if (trimmed !== '') description = trimmed
    } else if (column === '__metric') {
      if (trimmed !== '') metric = trimmed
    } else if (!column.startsWith('__metadata')) {
      vars[column] = cell
    }
  })
  if (metric !== undefined) for (const assertion of assert) assertion.metric = metric
  const value = description === undefined ? { vars, assert } : { description, vars, assert }
  return { value, line: row.line, expected }
}

/**
 * A header row, then one test case per row, with promptfoo's special columns: `__expected`
 * (and `__expected1`, `__expected2`, ...) become assertions, `__description` the description,
 * `__metric` the metric of the row's assertions; every other column is a var. Rows whose
 * fields are all empty (spreadsheet exports) are skipped.
 */
export function parseCsv(text: string, file: string): RawCase[] {
  let records: CsvRecord[]
  try {
    records = parseCsvRecords(text)
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error
    throw new UserError(error.message, { file, ...error.position })
  }
  const [header, ...rows] = records
  if (!header) return []
  const columns = header.fields.map(column => column.trim())
  checkHeader(columns, file, header.line)
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      const message = `this row has ${row.fields.length} fields but the header has ${columns.length}`
      throw new UserError(message, { file, line: row.line })
    }
  }
  return rows
    .filter(row => row.fields.some(field => field.trim() !== ''))
    .map(row => caseFromRow(columns, row))
}
