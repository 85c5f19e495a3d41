import { parseWithPositions } from '../config/positions.js'
import { parseJsonChecked } from '../config/safe-value.js'
import { isUserError, UserError } from '../errors.js'
import { jsonSyntaxProblem } from './json-syntax.js'
import { casesFromDocument } from './parse-document.js'
import type { RawCase } from './raw-case.js'

/** A JSON array of test cases. */
export function parseJson(text: string, file: string): RawCase[] {
  let value: unknown
  try {
    value = parseJsonChecked(text, { file })
  } catch (error) {
    if (isUserError(error)) throw error
    const problem = jsonSyntaxProblem(error as SyntaxError, text)
    throw new UserError(problem.message, { file, line: problem.line, column: problem.column })
  }
  // JSON is YAML, and the YAML parser keeps positions; JSON.parse above stays the judge of validity.
  return casesFromDocument(parseWithPositions(text), value, file)
}
