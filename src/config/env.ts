import type { Path } from './positions.js'

/** `${NAME}` reads the environment; `$${NAME}` stands for the literal text `${NAME}`. */
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export interface MissingVariable {
  name: string
  path: Path
}

/**
 * Replaces `${NAME}` in every string of `value` (keys excepted) with the variable's value.
 * An unset or empty variable is reported, never replaced with nothing: an empty secret on a
 * fork's pull request must not turn into a silently different config.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  missing: MissingVariable[],
  path: Path = []
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (reference, escape: string, name: string) => {
      if (escape) return reference.slice(1)
      const resolved = env[name]
      if (resolved === undefined || resolved === '') {
        missing.push({ name, path })
        return reference
      }
      return resolved
    })
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, missing, [...path, index]))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, missing, [...path, key])])
    )
  }
  return value
}
