import type { AssertionSpec } from '../assertions/types.js'
import { repositoryPath } from '../config/normalise.js'
import { UserError } from '../errors.js'
import { parseCsv } from './parse-csv.js'
import { parseJson } from './parse-json.js'
import { parseJsonLines } from './parse-jsonl.js'
import { parseYaml } from './parse-yaml.js'
import type { RawCase } from './raw-case.js'
import { toTestCases } from './to-test-cases.js'
import type { TestCase } from './types.js'

export interface LoadTestCasesOptions {
  /** The config file: where inline lists and the reference to a golden set are written. */
  file: string
  /** Reads a repository path; `undefined` when the file does not exist. */
  read: (path: string) => Promise<string | undefined>
  /** Appended to every case's assertions (already normalised, as in `SuiteConfig.assert`). */
  suiteAssert?: AssertionSpec[]
  /** The suite the golden set belongs to, for error messages. */
  suite?: string
  /** Line of `tests` in the config file, and of each inline case. */
  specLine?: number
  caseLines?: number[]
}

const PARSERS: Record<string, (text: string, file: string) => RawCase[]> = {
  jsonl: parseJsonLines,
  json: parseJson,
  yaml: parseYaml,
  yml: parseYaml,
  csv: parseCsv
}

async function readCases(
  spec: string,
  options: LoadTestCasesOptions
): Promise<{ file: string; raws: RawCase[] }> {
  const path = repositoryPath(spec)
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? ''
  const parser = PARSERS[extension]
  const ofSuite = options.suite === undefined ? '' : ` of suite "${options.suite}"`
  const at = { file: options.file, line: options.specLine }
  if (!parser) {
    throw new UserError(`test file "${path}"${ofSuite} must end in .jsonl, .json, .yaml, .yml or .csv`, at)
  }
  const text = await options.read(path)
  if (text === undefined) throw new UserError(`test file "${path}"${ofSuite} was not found`, at)
  return { file: path, raws: parser(text.replace(/^\uFEFF/, ''), path) }
}

/**
 * Loads a golden set: a .jsonl, .json, .yaml/.yml or .csv file (a repository path), or an
 * inline list from the config. Cases follow promptfoo's shape, `{description?, vars, assert?}`;
 * a mapping without `vars` is taken as the vars themselves. Ids are 1-based positions unless
 * a case names its own `id`. Every error names the file and line at fault.
 */
export async function loadTestCases(
  spec: string | unknown[],
  options: LoadTestCasesOptions
): Promise<TestCase[]> {
  if (typeof spec === 'string') {
    const { file, raws } = await readCases(spec, options)
    return toTestCases(raws, file, options.suiteAssert)
  }
  const raws = spec.map((value, index) => ({ value, line: options.caseLines?.[index] }))
  return toTestCases(raws, options.file, options.suiteAssert)
}
