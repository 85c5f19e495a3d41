import type { ErrorObject } from 'ajv'
import type { Node } from 'yaml'
import type { UserError } from '../errors.js'
import { closestMatch, didYouMean } from './did-you-mean.js'
import type { PathSegment, YamlSource } from './yaml-source.js'

interface Located {
  node: Node | undefined
  message: string
}

/**
 * Turns ajv's errors into one UserError about the problem that comes first in the file, at the
 * line and column of the offending key or value, naming the key and what is allowed.
 */
export function explainSchemaErrors(errors: ErrorObject[], source: YamlSource): UserError {
  const explained = withoutMisspelledRequired(errors).map(error => explain(error, source))
  const first = explained.reduce((best, candidate) =>
    offsetOf(candidate.node) < offsetOf(best.node) ? candidate : best
  )
  return source.errorAt(first.message, first.node)
}

/** A missing key that sits misspelled beside it is better reported as the misspelling. */
function withoutMisspelledRequired(errors: ErrorObject[]): ErrorObject[] {
  const unknownKeys = errors.filter(error => error.keyword === 'additionalProperties')
  return errors.filter(error => {
    if (error.keyword !== 'required') return true
    const missing = String(error.params.missingProperty)
    return !unknownKeys.some(
      unknown =>
        unknown.instancePath === error.instancePath &&
        closestMatch(String(unknown.params.additionalProperty), [missing]) !== undefined
    )
  })
}

export function segmentsOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return []
  return instancePath
    .slice(1)
    .split('/')
    .map(segment => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map(segment => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

/** `modelParameters.temperature`, `messages[0].role`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`
    )
    .join('')
}

function explain(error: ErrorObject, source: YamlSource): Located {
  const path = segmentsOf(error.instancePath)
  const subject = path.length === 0 ? 'the file' : `"${formatPath(path)}"`
  const node = source.nodeAt(path)
  const params = error.params as Record<string, unknown>

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const allowed = Object.keys((error.parentSchema?.properties ?? {}) as object)
      const hint = didYouMean(key, allowed) || `; allowed keys: ${allowed.join(', ')}`
      return {
        node: source.keyAt(path, key),
        message: `"${formatPath([...path, key])}" is not a known key${hint}`
      }
    }
    case 'required': {
      const key = String(params.missingProperty)
      const properties = (error.parentSchema?.properties ?? {}) as Record<string, { description?: string }>
      const what = properties[key]?.description
      return { node, message: `${subject} is missing "${key}"${what ? `: ${what}` : ''}` }
    }
    case 'type':
      if (error.data === null) {
        const what = (error.parentSchema as { description?: string } | undefined)?.description
        return { node, message: `${subject} has no value${what ? `; give ${what}` : ''}` }
      }
      return {
        node,
        message: `${subject} must be ${typeNames(params.type)}, not ${describeValue(error.data)}`
      }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : ''
      return {
        node,
        message: `${subject} must be one of ${allowed.join(', ')}, not ${describeValue(error.data)}${hint}`
      }
    }
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most'
      return {
        node,
        message: `${subject} must be ${bound} ${String(params.limit)}, not ${describeValue(error.data)}`
      }
    }
    case 'minItems':
      return { node, message: `${subject} must not be empty; list at least ${String(params.limit)}` }
    case 'minLength':
      return { node, message: `${subject} must not be empty` }
    default:
      return { node, message: `${subject} ${error.message ?? 'is not valid'}` }
  }
}

function offsetOf(node: Node | undefined): number {
  return node?.range?.[0] ?? Number.POSITIVE_INFINITY
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a map of keys',
  array: 'a list'
}

function typeNames(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',')
  const names = types.map(name => TYPE_NAMES[String(name)] ?? String(name))
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value)
  return String(value)
}
