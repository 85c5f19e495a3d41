import type { Position } from '../config/positions.js'

export interface CsvRecord {
  fields: string[]
  /** The line the record starts on; a quoted field may carry it over several. */
  line: number
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position
  ) {
    super(message)
    this.name = 'CsvSyntaxError'
  }
}

const QUOTING_HELP = 'put the whole field in double quotes and write each quote inside it as ""'

/**
 * RFC 4180: comma-separated fields, records ended by CRLF, LF or CR, fields in double quotes
 * may hold commas, line breaks and doubled quotes. Blank lines are skipped; spaces after a
 * closing quote are tolerated. Positions are 1-based and count a CRLF as one line break.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let inQuotes = false
  let afterClosingQuote = false
  let line = 1
  let column = 1
  let recordLine = 1
  let quoteStart: Position = { line, column }

  const endField = () => {
    fields.push(field)
    field = ''
    quoted = false
    afterClosingQuote = false
  }
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !quoted
    endField()
    if (!blank) records.push({ fields, line: recordLine })
    fields = []
  }

  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    const lineBreak = char === '\n' || (char === '\r' && text[index + 1] !== '\n')
    if (inQuotes) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
        column++
      } else if (char === '"') {
        inQuotes = false
        afterClosingQuote = true
      } else {
        field += char
      }
    } else if (char === ',') {
      endField()
    } else if (char === '\r' || char === '\n') {
      if (lineBreak) endRecord()
    } else if (afterClosingQuote) {
      if (char !== ' ' && char !== '\t') {
        throw new CsvSyntaxError(`unexpected text after a closing quote; ${QUOTING_HELP}`, { line, column })
      }
    } else if (char === '"') {
      if (field !== '')
        throw new CsvSyntaxError(`a quote inside an unquoted field; ${QUOTING_HELP}`, { line, column })
      inQuotes = true
      quoted = true
      quoteStart = { line, column }
    } else {
      field += char
    }
    if (lineBreak) {
      line++
      column = 1
      if (!inQuotes) recordLine = line
    } else {
      column++
    }
  }
  if (inQuotes) throw new CsvSyntaxError('this quoted field has no closing quote (")', quoteStart)
  endRecord()
  return records
}
