import { parseWithPositions } from '../config/positions.js'
import { yamlValue } from '../config/safe-value.js'
import { UserError } from '../errors.js'
import { casesFromDocument } from './parse-document.js'
import type { RawCase } from './raw-case.js'

/** A YAML list of test cases. */
export function parseYaml(text: string, file: string): RawCase[] {
  const located = parseWithPositions(text)
  const [problem] = located.problems
  if (problem)
    throw new UserError(`invalid YAML: ${problem.message}`, {
      file,
      line: problem.line,
      column: problem.column
    })
  return casesFromDocument(located, yamlValue(located.document, { file }), file)
}
