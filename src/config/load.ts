import { PathDescriber } from './describe-path.js'
import { interpolateEnv, type MissingVariable } from './env.js'
import { normaliseConfig, type RawConfig } from './normalise.js'
import { locate, parseWithPositions, type LocatedDocument, type Problem } from './positions.js'
import { problemsError } from './problems-error.js'
import { rolloutProblems } from './rollout.js'
import { yamlValue } from './safe-value.js'
import { schemaProblems } from './schema-problems.js'
import { schemaValidator } from './schema.js'
import type { Config } from './types.js'

export type { Config, SuiteConfig } from './types.js'

function missingVariableProblem(
  missing: MissingVariable,
  located: LocatedDocument,
  describer: PathDescriber
): Problem {
  return {
    message: `${describer.subject(missing.path)} uses environment variable "${missing.name}", which is not set`,
    ...locate(located, missing.path)
  }
}

const samePlace = (a: Problem, b: Problem) => a.line === b.line && a.column === b.column

function duplicateSuiteProblems(config: RawConfig, located: LocatedDocument): Problem[] {
  const firstLine = new Map<string, number>()
  const problems: Problem[] = []
  for (const [index, suite] of (config.suites ?? []).entries()) {
    const position = locate(located, ['suites', index, 'name'])
    const earlier = firstLine.get(suite.name)
    if (earlier === undefined) {
      firstLine.set(suite.name, position?.line ?? 0)
    } else {
      problems.push({ message: `suite name "${suite.name}" is already used on line ${earlier}`, ...position })
    }
  }
  return problems
}

/**
 * Parses and validates `.github/promptgate.yml` (version 1). Every mistake is reported at
 * once, each as `file:line:column: message`; `${NAME}` in strings reads `env`.
 */
export function loadConfig(text: string, file: string, env: Record<string, string | undefined>): Config {
  const located = parseWithPositions(text.replace(/^\uFEFF/, ''))
  if (located.problems.length > 0) {
    throw problemsError(
      file,
      located.problems.map(problem => ({ ...problem, message: `invalid YAML: ${problem.message}` }))
    )
  }
  const parsed = yamlValue(located.document, { file })
  if (parsed === null || parsed === undefined) {
    throw problemsError(file, [
      { message: 'the config is empty; it needs at least "version: 1"', line: 1, column: 1 }
    ])
  }
  const describer = new PathDescriber(parsed)
  const missing: MissingVariable[] = []
  const resolved = interpolateEnv(parsed, env, missing)
  const validate = schemaValidator()
  const problems = missing.map(variable => missingVariableProblem(variable, located, describer))
  if (!validate(resolved)) {
    const schemaFound = schemaProblems(validate.errors ?? [], {
      describer,
      locate: (path, at) => locate(located, path, at)
    })
    // An unresolved `${NAME}` usually breaks the value's format too; the missing variable is the one cause.
    problems.push(...schemaFound.filter(problem => !problems.some(other => samePlace(other, problem))))
  } else {
    problems.push(...duplicateSuiteProblems(resolved as RawConfig, located))
    problems.push(...rolloutProblems((resolved as RawConfig).rollout, located, resolved))
  }
  if (problems.length > 0) throw problemsError(file, problems)
  return normaliseConfig(resolved as RawConfig, file, path => locate(located, path)?.line ?? 1)
}

/** Reads and loads the config; `undefined` when the file does not exist. */
export async function readConfig(
  reader: (path: string) => Promise<string | undefined>,
  path: string,
  env: Record<string, string | undefined> = process.env
): Promise<Config | undefined> {
  const text = await reader(path)
  return text === undefined ? undefined : loadConfig(text, path, env)
}
