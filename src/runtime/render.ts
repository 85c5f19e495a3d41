import type { PromptMessage } from './types.js'

// The evaluation's placeholder (src/prompts/template.ts): `{{name}}`, `{{ name }}`, dotted paths.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g

/**
 * Fills every placeholder in one pass, so a value that itself holds `{{...}}` is inserted as is.
 * A missing (or null) value is an error naming the placeholder and `what` is being rendered.
 */
export function renderMessages(
  messages: PromptMessage[],
  vars: Record<string, unknown>,
  what: string
): PromptMessage[] {
  return messages.map(message => ({
    role: message.role,
    content: renderText(message.content, vars, what)
  }))
}

export function renderText(template: string, vars: Record<string, unknown>, what: string): string {
  return template.replace(PLACEHOLDER, (_placeholder: string, name: string) => {
    const value = lookUp(vars, name)
    if (value === undefined || value === null) {
      throw new Error(
        `promptgate/runtime: the placeholder {{${name}}} in ${what} has no value; pass "${name}" to render()`
      )
    }
    if (typeof value === 'string') return value
    if (typeof value === 'object') return JSON.stringify(value)
    return String(value)
  })
}

/** The value at a (possibly dotted) name; a key that itself contains dots wins over a path. */
function lookUp(vars: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(vars, name)) return vars[name]
  let value: unknown = vars
  for (const segment of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}
