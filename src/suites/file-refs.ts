import { parseDocument } from 'yaml'
import type { AssertionSpec } from '../assertions/types.js'
import { repositoryPath } from '../config/normalise.js'
import type { TestCase } from '../datasets/types.js'
import { parseJsonChecked, yamlValue } from '../config/safe-value.js'
import { errorMessage, isUserError, UserError, type ErrorLocation } from '../errors.js'

const FILE_PREFIX = 'file://'

function referenceOf(spec: AssertionSpec): string | undefined {
  return typeof spec.value === 'string' && spec.value.startsWith(FILE_PREFIX)
    ? repositoryPath(spec.value)
    : undefined
}

/** The repository paths that assertion values reference as `file://path`. */
export function referencedFiles(specs: readonly AssertionSpec[]): string[] {
  return [...new Set(specs.flatMap(spec => referenceOf(spec) ?? []))]
}

/** Reads files at one ref; `undefined` when the file does not exist there. */
export type RefReader = (path: string) => Promise<string | undefined>

function parseReferenced(text: string, path: string): unknown {
  if (/\.json$/i.test(path)) {
    try {
      return parseJsonChecked(text, { file: path })
    } catch (error) {
      if (isUserError(error)) throw error
      throw new UserError(`invalid JSON: ${errorMessage(error)}`, { file: path })
    }
  }
  if (/\.ya?ml$/i.test(path)) {
    const document = parseDocument(text)
    const [problem] = document.errors
    if (problem) throw new UserError(`invalid YAML: ${problem.message}`, { file: path })
    return yamlValue(document, { file: path })
  }
  return text
}

/**
 * Replaces each `file://path` assertion value with the file's content read through `read`:
 * JSON and YAML files parsed, any other file as text. A missing file is a UserError at
 * `where(index)`, the place that names it.
 */
export async function resolveFileValues(
  specs: readonly AssertionSpec[],
  read: RefReader,
  where: (index: number) => ErrorLocation & { what: string }
): Promise<AssertionSpec[]> {
  return Promise.all(
    specs.map(async (spec, index) => {
      const path = referenceOf(spec)
      if (path === undefined) return spec
      const text = await read(path)
      if (text === undefined) {
        const { what, ...location } = where(index)
        throw new UserError(
          `${what} references ${path}, which does not exist at the head commit; add the file or fix the path (paths start at the repository root)`,
          location
        )
      }
      return { ...spec, value: parseReferenced(text.replace(/^\uFEFF/, ''), path) }
    })
  )
}

/** Resolves the `file://` values of every case's assertions; the suite's own were resolved before. */
export async function resolveCaseFileValues(cases: TestCase[], read: RefReader): Promise<TestCase[]> {
  return Promise.all(
    cases.map(async testCase => ({
      ...testCase,
      assert: await resolveFileValues(testCase.assert, read, index => ({
        what: `assertion ${index + 1} of test case ${testCase.id}`,
        file: testCase.source?.file,
        line: testCase.source?.line
      }))
    }))
  )
}
