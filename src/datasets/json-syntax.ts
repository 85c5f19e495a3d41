import type { Problem } from '../config/positions.js'

/**
 * V8's JSON.parse messages carry the position in one of several forms, or none; this pulls
 * out a readable reason and, when given, the line and column.
 */
export function jsonSyntaxProblem(error: SyntaxError, text: string): Problem {
  const reason = error.message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '')
  const message = `invalid JSON: ${reason}`
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(error.message)
  if (lineColumn) return { message, line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
  const offset = /at position (\d+)/.exec(error.message)
  if (offset) {
    const before = text.slice(0, Number(offset[1]))
    const lines = before.split('\n')
    return { message, line: lines.length, column: lines[lines.length - 1]!.length + 1 }
  }
  if (/Unexpected end of JSON input/.test(error.message)) {
    const lines = text.trimEnd().split('\n')
    return { message, line: lines.length, column: lines[lines.length - 1]!.length + 1 }
  }
  return { message }
}
