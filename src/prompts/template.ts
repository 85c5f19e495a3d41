import { UserError } from '../errors.js'
import type { ChatMessage } from './types.js'

/** Where a template is rendered, for error messages. */
export interface TemplateSource {
  file: string
  /** What supplies the values, e.g. `testData row 2`; defaults to the test case's vars. */
  what?: string
  /** The line of whatever supplies the values, when known. */
  line?: number
  /**
   * Leave a placeholder without a value in the text, as `gh models eval` sends it (the loader warns
   * about it), instead of failing.
   */
  keepMissing?: boolean
}

// `{{name}}`, `{{ name }}` and dotted paths such as `{{user.name}}`; anything else is left as text.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g

/** The distinct placeholder names in a template, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), match => match[1] ?? ''))]
}

/**
 * Replaces each placeholder with its value in one pass, so a value that itself contains `{{...}}`
 * is inserted as is. A placeholder without a value is an error, never an empty string.
 */
export function renderTemplate(
  template: string,
  vars: Record<string, unknown>,
  where: TemplateSource
): string {
  return template.replace(PLACEHOLDER, (placeholder: string, name: string) => {
    const value = lookUp(vars, name)
    if (value === undefined || value === null) {
      if (where.keepMissing) return placeholder
      throw missingValue(name, where)
    }
    return formatValue(value)
  })
}

/** The placeholder names in `template` that `vars` gives no value (or null), in order of first use. */
export function missingVariables(template: string, vars: Record<string, unknown>): string[] {
  return templateVariables(template).filter(name => {
    const value = lookUp(vars, name)
    return value === undefined || value === null
  })
}

export function renderMessages(
  messages: ChatMessage[],
  vars: Record<string, unknown>,
  where: TemplateSource
): ChatMessage[] {
  return messages.map(message => ({
    role: message.role,
    content: renderTemplate(message.content, vars, where)
  }))
}

/** The value at a (possibly dotted) name; a key that itself contains dots wins over a path. */
export function lookUp(vars: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(vars, name)) return vars[name]
  let value: unknown = vars
  for (const segment of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function missingValue(name: string, where: TemplateSource): UserError {
  const what = where.what ?? "the test case's vars"
  const fix = where.what?.startsWith('testData row') ? 'that row' : what
  return new UserError(
    `the placeholder {{${name}}} has no value in ${what}; add "${name}" to ${fix} or remove the placeholder`,
    { file: where.file, line: where.line }
  )
}
