import type { AssertionSpec } from '../assertions/types.js'
import { PathDescriber } from '../config/describe-path.js'
import { normaliseAssertion } from '../config/normalise.js'
import type { Path, Position, Problem } from '../config/positions.js'
import { problemsError } from '../config/problems-error.js'
import { schemaProblems } from '../config/schema-problems.js'
import { schemaValidator } from '../config/schema.js'
import type { TestCase } from './types.js'
import type { RawCase } from './raw-case.js'

interface ExplicitCase {
  id?: string | number
  description?: string
  vars?: Record<string, unknown> | null
  assert?: AssertionSpec[]
}

type Mapping = Record<string, unknown>

function caseProblems(raw: RawCase, index: number): Problem[] {
  const validate = schemaValidator('testCase')
  const locate = (path: Path, at: 'key' | 'value'): Partial<Position> =>
    raw.locate?.(path, at) ?? { line: raw.line }
  if (!validate(raw.value)) {
    return schemaProblems(validate.errors ?? [], {
      describer: new PathDescriber(undefined),
      locate,
      prefix: ['tests', index]
    })
  }
  const value = raw.value as Mapping
  // Without `vars` the mapping is the vars; an `assert` there is surely meant as assertions.
  if (!('vars' in value) && 'assert' in value) {
    return [
      {
        message: `test case ${index + 1} has "assert" but no "vars"; put its variables under "vars"`,
        ...locate(['assert'], 'key')
      }
    ]
  }
  return []
}

function toTestCase(raw: RawCase, index: number, file: string, suiteAssert: AssertionSpec[]): TestCase {
  const value = raw.value as Mapping
  const explicit: ExplicitCase = 'vars' in value ? (value as ExplicitCase) : { vars: value }
  const vars = { ...explicit.vars }
  const expected = typeof vars['expected'] === 'string' ? vars['expected'] : raw.expected
  const testCase: TestCase = {
    id: explicit.id === undefined ? String(index + 1) : String(explicit.id),
    vars,
    assert: [...(explicit.assert ?? []).map(normaliseAssertion), ...suiteAssert.map(spec => ({ ...spec }))],
    source: raw.line === undefined ? { file } : { file, line: raw.line }
  }
  if (explicit.description !== undefined) testCase.description = explicit.description
  if (expected !== undefined) testCase.expected = expected
  return testCase
}

function duplicateIdProblems(cases: TestCase[]): Problem[] {
  const firstLine = new Map<string, number | undefined>()
  const problems: Problem[] = []
  for (const testCase of cases) {
    if (!firstLine.has(testCase.id)) {
      firstLine.set(testCase.id, testCase.source?.line)
      continue
    }
    const earlier = firstLine.get(testCase.id)
    const where = earlier === undefined ? '' : ` on line ${earlier}`
    problems.push({
      message: `test case id "${testCase.id}" is already used${where}`,
      line: testCase.source?.line
    })
  }
  return problems
}

/**
 * Validates each raw case against the config schema's test case definition and turns it into
 * a TestCase: a mapping without `vars` is the vars; the suite's assertions follow the case's own.
 */
export function toTestCases(raws: RawCase[], file: string, suiteAssert: AssertionSpec[] = []): TestCase[] {
  if (raws.length === 0) {
    throw problemsError(file, [{ message: 'no test cases; the golden set needs at least one' }])
  }
  const problems = raws.flatMap((raw, index) => caseProblems(raw, index))
  if (problems.length > 0) throw problemsError(file, problems)
  const cases = raws.map((raw, index) => toTestCase(raw, index, file, suiteAssert))
  const duplicates = duplicateIdProblems(cases)
  if (duplicates.length > 0) throw problemsError(file, duplicates)
  return cases
}
