/**
 * Splits a `contains-any`-style value such as `red, "green, light", blue` into its items, the way
 * promptfoo does: items are trimmed, empty items between repeated commas are dropped, and a
 * double-quoted item may hold commas, with `\"`, `""` and `\\` as escapes.
 *
 * Throws a plain Error with the reason when a quoted item is malformed; the caller locates it.
 */
export function splitCommaSeparated(text: string): string[] {
  const items: string[] = []
  let at = skipSeparators(text, 0)
  while (at < text.length) {
    if (text[at] === '"') {
      const { item, end } = readQuoted(text, at)
      items.push(item)
      at = skipWhitespace(text, end)
      if (at < text.length && text[at] !== ',') {
        throw new Error(`expected a comma after the quoted item ${JSON.stringify(item)}`)
      }
    } else {
      const comma = text.indexOf(',', at)
      const end = comma === -1 ? text.length : comma
      items.push(text.slice(at, end).trim())
      at = end
    }
    at = skipSeparators(text, at)
  }
  return items
}

function readQuoted(text: string, openingQuote: number): { item: string; end: number } {
  let item = ''
  let at = openingQuote + 1
  while (at < text.length) {
    const char = text[at]
    const next = text[at + 1]
    if (char === '\\' && (next === '"' || next === '\\')) {
      item += next
      at += 2
    } else if (char === '"' && next === '"') {
      item += '"'
      at += 2
    } else if (char === '"') {
      return { item, end: at + 1 }
    } else {
      item += char
      at += 1
    }
  }
  throw new Error(`the quoted item starting at character ${openingQuote + 1} has no closing quote`)
}

function skipWhitespace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at] ?? '')) at++
  return at
}

function skipSeparators(text: string, at: number): number {
  for (;;) {
    at = skipWhitespace(text, at)
    if (text[at] !== ',') return at
    at++
  }
}
