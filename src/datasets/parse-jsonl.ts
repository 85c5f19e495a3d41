import { locate, parseWithPositions } from '../config/positions.js'
import { parseJsonChecked } from '../config/safe-value.js'
import { isUserError, UserError } from '../errors.js'
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
      value = parseJsonChecked(lineText, { file, line })
    } catch (error) {
      if (isUserError(error)) throw error
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
