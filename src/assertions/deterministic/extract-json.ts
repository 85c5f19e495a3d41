/** Longest stretch of text looked at for one object, as in promptfoo, so a flood of `{` stays cheap. */
const MAX_OBJECT_LENGTH = 100_000

/**
 * The JSON objects embedded in free text (prose, markdown code fences), outermost first and in
 * order. Each `{` starts a candidate that runs to its matching `}` (braces inside strings don't
 * count); a candidate that parses is kept and scanning resumes after it. Two slips that models
 * make in otherwise valid JSON are forgiven, as promptfoo forgives them: `//` comments and
 * trailing commas. Unlike promptfoo, candidates must be JSON, not YAML (`{name}` is not an
 * object), and an object cut off by the end of the text is not closed for it.
 */
export function extractJsonObjects(text: string): object[] {
  const objects: object[] = []
  let start = text.indexOf('{')
  while (start !== -1) {
    const candidate = readBalancedObject(text, start)
    const parsed = candidate && parseObject(candidate.json)
    if (candidate && parsed) {
      objects.push(parsed)
      start = text.indexOf('{', candidate.end)
    } else {
      start = text.indexOf('{', start + 1)
    }
  }
  return objects
}

/** The text from `start` to its matching brace, with comments and trailing commas removed. */
function readBalancedObject(text: string, start: number): { json: string; end: number } | undefined {
  const kept: string[] = []
  let depth = 0
  let inString = false
  let escaped = false
  const limit = Math.min(text.length, start + MAX_OBJECT_LENGTH)
  for (let at = start; at < limit; at++) {
    const char = text[at] as string
    if (inString) {
      kept.push(char)
      if (escaped) escaped = false
      else if (char === '\\') escaped = true
      else if (char === '"') inString = false
      continue
    }
    if (char === '/' && text[at + 1] === '/') {
      const lineEnd = text.indexOf('\n', at)
      at = (lineEnd === -1 ? limit : lineEnd) - 1
      continue
    }
    if (char === '}' || char === ']') dropTrailingComma(kept)
    kept.push(char)
    if (char === '"') inString = true
    else if (char === '{') depth++
    else if (char === '}' && --depth === 0) return { json: kept.join(''), end: at + 1 }
  }
  return undefined
}

function dropTrailingComma(kept: string[]): void {
  let at = kept.length - 1
  while (at >= 0 && /\s/.test(kept[at] as string)) at--
  if (kept[at] === ',') kept.splice(at, 1)
}

function parseObject(json: string): object | undefined {
  try {
    const value: unknown = JSON.parse(json)
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}
