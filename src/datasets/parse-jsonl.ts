import { locate, parseWithPositions } from '../config/positions.js'
import { UserError } from '../errors.js'
import { jsonSyntaxProblem } from './json-syntax.js'
import type { RawCase } from './raw-case.js'

/** One JSON value per line; blank lines are skipped. */
export function parseJsonLines(text: string, file: string): RawCase[] {
  const cases: RawCase[] = []
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (lineText.trim() === '') return
    const line = index + 1
    let value: unknown
    try {
      value = JSON.parse(lineText)
    } catch (error) {
      const problem = jsonSyntaxProblem(error as SyntaxError, lineText)
      throw new UserError(problem.message, { file, line, column: problem.column })
    }
    cases.push({
      value,
      line,
      // Parsed again with positions only when an error needs a column.
      locate: (path, at) => {
        const position = locate(parseWithPositions(lineText), path, at)
        return { line, column: position?.column ?? 1 }
      }
    })
  })
  return cases
}
