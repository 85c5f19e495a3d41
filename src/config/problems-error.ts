import { UserError } from '../errors.js'
import type { Problem } from './positions.js'

const MAX_LISTED = 20

function where(file: string, problem: Problem): string {
  if (problem.line === undefined) return file
  return problem.column === undefined
    ? `${file}:${problem.line}`
    : `${file}:${problem.line}:${problem.column}`
}

/**
 * One UserError for every problem in a file, in file order: located at the first; the rest
 * follow on their own lines in the same `file:line:column: message` form, so all can be fixed
 * in one go.
 */
export function problemsError(file: string, problems: Problem[]): UserError {
  const seen = new Set<string>()
  const ordered = [...problems]
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    .filter(problem => {
      const line = `${where(file, problem)}: ${problem.message}`
      if (seen.has(line)) return false
      seen.add(line)
      return true
    })
  const [first, ...rest] = ordered
  if (!first) throw new Error('problemsError needs at least one problem')
  const listed = rest.slice(0, MAX_LISTED - 1).map(problem => `${where(file, problem)}: ${problem.message}`)
  if (rest.length > listed.length) listed.push(`... and ${rest.length - listed.length} more`)
  const message = [first.message, ...listed].join('\n')
  return new UserError(message, { file, line: first.line, column: first.column })
}
