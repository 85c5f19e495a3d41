import type { Document } from 'yaml'
import { UserError, type ErrorLocation } from '../errors.js'

/**
 * How deep a value from a repository file may nest. Nothing legitimate comes near it; beyond a
 * few thousand levels the recursive code downstream (JSON.stringify, schema checks, templates)
 * overflows the stack, so a deeper value is refused where it is read, with its file and line.
 */
export const MAX_NESTING = 200

/**
 * How many values YAML aliases (`*name`) may expand to. The `yaml` package counts each alias as
 * the size of what it points at, so "billion laughs" (aliases of aliases) is stopped early.
 */
export const MAX_ALIAS_COUNT = 100

/** Walks `value` without recursion and throws a UserError at `where` when it nests past the limit. */
export function assertNesting(value: unknown, where: ErrorLocation): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!
    if (current === null || typeof current !== 'object') continue
    if (depth >= MAX_NESTING) {
      throw new UserError(
        `the value nests more than ${MAX_NESTING} levels deep; flatten it (no test case or config needs that depth)`,
        where
      )
    }
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 })
  }
}

/** `JSON.parse` whose nesting is checked; syntax errors are thrown as they are, for the caller's message. */
export function parseJsonChecked(text: string, where: ErrorLocation): unknown {
  const value: unknown = JSON.parse(text)
  assertNesting(value, where)
  return value
}

/**
 * The plain value of a parsed YAML document, with aliases capped and nesting checked. An alias
 * bomb is a UserError naming the file, not an internal "resource exhaustion" error.
 */
export function yamlValue(
  document: Document,
  where: ErrorLocation,
  maxAliasCount = MAX_ALIAS_COUNT
): unknown {
  let value: unknown
  try {
    value = document.toJS({ maxAliasCount })
  } catch (error) {
    if (error instanceof ReferenceError && /excessive alias count/i.test(error.message)) {
      throw new UserError(
        `YAML aliases (*name) here expand to more than ${maxAliasCount} values, which looks like an ` +
          `"alias bomb"; write the values out instead of aliasing aliases`,
        where
      )
    }
    if (error instanceof RangeError) {
      throw new UserError(`the YAML nests too deeply to read; flatten it`, where)
    }
    throw error
  }
  assertNesting(value, where)
  return value
}
