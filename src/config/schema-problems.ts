import type { ErrorObject } from 'ajv'
import { closestMatch } from '../prompts/did-you-mean.js'
import { PathDescriber } from './describe-path.js'
import type { Path, Position, Problem } from './positions.js'

export interface ProblemContext {
  describer: PathDescriber
  /** Where the value at a path (or its key) is in the source text. */
  locate: (path: Path, at: 'key' | 'value') => Partial<Position> | undefined
  /** Prepended to each error's path when naming it, e.g. `['tests', 2]` for one case of a golden set. */
  prefix?: Path
}

const PROVIDER_ID = '^(github|openai|anthropic|command):.+'
const TESTS_FILE = '\\.(jsonl|json|yaml|yml|csv)$'
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$'
const HTTP_URL = '^https?://'

const PATTERN_RULES: Record<string, string> = {
  [PROVIDER_ID]:
    'must be "<kind>:<model>" with kind github, openai, anthropic or command (e.g. "openai:gpt-4o-mini")',
  [TESTS_FILE]: 'must be a path ending in .jsonl, .json, .yaml, .yml or .csv, or a list of test cases',
  [ENV_NAME]: 'must be the name of an environment variable (letters, digits and _)',
  [HTTP_URL]: 'must be an http:// or https:// URL'
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty'
}

function pathOf(error: ErrorObject): (string | number)[] {
  if (error.instancePath === '') return []
  return error.instancePath
    .slice(1)
    .split('/')
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(segment => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

/** How a value reads in a message: short scalars verbatim, collections by kind. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return value.length > 60 ? 'a long string' : JSON.stringify(value)
  return String(value)
}

function typeList(types: string[]): string {
  const names = [...new Set(types)].map(type => TYPE_NAMES[type] ?? type)
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
}

function typesOf(error: ErrorObject): string[] {
  const type = error.params['type'] as string | string[]
  return Array.isArray(type) ? type : type.split(',')
}

/**
 * `anyOf` reports every branch that failed. Keeps the errors of the branch the value was
 * meant for: a type mismatch is noise when another branch of the same value failed on
 * something else; when only type mismatches remain, they merge into one ("a string or a list").
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const branching = new Set(['anyOf', 'oneOf', 'if'])
  const kept = errors.filter(error => !branching.has(error.keyword))
  const explained = (error: ErrorObject) =>
    kept.some(
      other =>
        other.instancePath.startsWith(`${error.instancePath}/`) ||
        (other.instancePath === error.instancePath && other.keyword !== 'type')
    )
  const result: ErrorObject[] = []
  const typeErrors = new Map<string, ErrorObject>()
  for (const error of kept) {
    if (error.keyword !== 'type') {
      result.push(error)
      continue
    }
    if (explained(error)) continue
    const earlier = typeErrors.get(error.instancePath)
    if (earlier) {
      earlier.params = { type: [...typesOf(earlier), ...typesOf(error)] }
    } else {
      const copy = { ...error, params: { type: typesOf(error) } }
      typeErrors.set(error.instancePath, copy)
      result.push(copy)
    }
  }
  return result
}

function problemFor(error: ErrorObject, context: ProblemContext): Problem {
  const path = pathOf(error)
  const named = [...(context.prefix ?? []), ...path]
  const { describer } = context
  const subject = describer.subject(named)
  const params = error.params as Record<string, unknown>
  const value: unknown = error.data
  let at: 'key' | 'value' = 'value'
  let locationPath: Path = path
  let message: string
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty'])
      const allowed = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {})
      const where = named.length === 0 ? 'at the top level' : `in ${describer.container(named)}`
      const suggestion = closestMatch(key, allowed)
      const help = suggestion ? `; did you mean "${suggestion}"? Allowed: ` : '; allowed: '
      message = `unknown key "${key}" ${where}${help}${allowed.join(', ')}`
      locationPath = [...path, key]
      at = 'key'
      break
    }
    case 'required': {
      const key = String(params['missingProperty'])
      message =
        named.length === 0 && key === 'version'
          ? 'missing required key "version"; add "version: 1" at the top of the file'
          : `missing required key "${key}" in ${describer.container(named)}`
      break
    }
    case 'const':
      message = `${subject} must be ${JSON.stringify(params['allowedValue'])}`
      break
    case 'type':
      message = `${subject} must be ${typeList(typesOf(error))}, not ${shown(value)}`
      break
    case 'pattern': {
      const rule = PATTERN_RULES[String(params['pattern'])] ?? `must match ${String(params['pattern'])}`
      message = `${subject} ${rule}, not ${shown(value)}`
      break
    }
    case 'minimum':
      message = `${subject} must be at least ${String(params['limit'])}, not ${shown(value)}`
      break
    case 'maximum':
      message = `${subject} must be at most ${String(params['limit'])}, not ${shown(value)}`
      break
    case 'exclusiveMinimum':
      message = `${subject} must be greater than ${String(params['limit'])}, not ${shown(value)}`
      break
    case 'exclusiveMaximum':
      message = `${subject} must be less than ${String(params['limit'])}, not ${shown(value)}`
      break
    case 'minItems':
      message = `${subject} must not be an empty list`
      break
    case 'minLength':
      message = `${subject} must not be empty`
      break
    case 'enum':
      message = `${subject} must be one of ${(params['allowedValues'] as unknown[]).map(item => JSON.stringify(item)).join(', ')}, not ${shown(value)}`
      break
    case 'minProperties':
    case 'maxProperties': {
      const allowed = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {})
      message = `${subject} must name exactly one of ${allowed.join(', ')}`
      break
    }
    default:
      message = `${subject} ${error.message ?? 'is not valid'}`
  }
  return { message, ...context.locate(locationPath, at) }
}

/** Turns ajv's errors into one located, readable problem per mistake. */
export function schemaProblems(errors: ErrorObject[], context: ProblemContext): Problem[] {
  return relevantErrors(errors).map(error => problemFor(error, context))
}
