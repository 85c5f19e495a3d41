/**
 * Escaping for untrusted text (model outputs, vars, file names, error messages) placed in
 * GitHub-flavoured markdown. Each function has one job; `escapeText`, `inlineCode` and
 * `codeBlock` combine them for the three places untrusted text goes.
 */

const ZERO_WIDTH_JOINER = '\u200D'

/**
 * C0/C1 controls (but tab and newline), bidi overrides and zero-width characters, which can disguise
 * text (a mention or a reference split by an invisible character, a secret that no longer matches).
 */
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060-\u2064\u180E\uFEFF]/g

/** Normalises line ends and replaces invisible control characters with U+FFFD. */
export function sanitize(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE_CHARACTERS, '\uFFFD')
}

/** Newlines become a visible ↵ so a value stays on one line (table cells, list items). */
export function singleLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ↵ ')
}

/** Cuts without splitting a surrogate pair. */
function sliceCodePoints(text: string, end: number): string {
  const cut = text.slice(0, end)
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut
}

/** Shortens to at most `max` characters (plus a note of how much was cut). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  const kept = sliceCodePoints(text, Math.max(0, max))
  return `${kept}… (${(text.length - kept.length).toLocaleString('en-US')} more chars)`
}

/** For text content (never attribute values, which this report does not build from untrusted text). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** `@user` and `@org/team` would notify; a zero-width joiner after the `@` keeps the text but not the ping. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_])/g, `@${ZERO_WIDTH_JOINER}`)
}

/**
 * Stops GitHub from turning bare text into links: URLs and `www.` (autolinks), `#123` and `GH-123`
 * (cross-references that would also post to that timeline).
 */
export function neutralizeAutolinks(text: string): string {
  return (
    text
      .replace(/\b(https?|ftps?|mailto|javascript|data|vbscript)(?=:)/gi, `$1${ZERO_WIDTH_JOINER}`)
      .replace(/\b(www)(?=\.)/gi, `$1${ZERO_WIDTH_JOINER}`)
      .replace(/#(?=\d)/g, `#${ZERO_WIDTH_JOINER}`)
      // `GH-123` is GitHub's other issue reference.
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZERO_WIDTH_JOINER}`)
  )
}

/** Backslash-escapes the characters that start emphasis, links, images, code, tables, strikethrough and math. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|~!#$]/g, '\\$&')
}

/**
 * Untrusted prose on one line, outside code: no HTML, markdown, links, images or mentions.
 * Shorten before escaping so an escape sequence is never cut in half.
 */
export function escapeText(text: string, max = Infinity): string {
  const prepared = shorten(singleLine(sanitize(text)), max)
  return neutralizeAutolinks(neutralizeMentions(escapeMarkdown(escapeHtml(prepared))))
}

/** Untrusted text inside an HTML element (`<summary>`): HTML-escaped, no mentions or autolinks. */
export function escapeHtmlText(text: string, max = Infinity): string {
  return neutralizeAutolinks(neutralizeMentions(escapeHtml(shorten(singleLine(sanitize(text)), max))))
}

function longestRun(text: string, character: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === character ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}

/**
 * A code span, safe in a paragraph or (with `inTable`) a table cell. The delimiter is one
 * backtick longer than any run inside, so the content cannot close it.
 */
export function inlineCode(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let content = shorten(singleLine(sanitize(text)), options.max ?? Infinity)
  if (content.trim() === '') return content === '' ? '*(empty)*' : '*(whitespace)*'
  if (options.inTable) {
    // A table row splits on every pipe not preceded by an odd number of backslashes.
    content = content.replace(/(\\*)\|/g, (_, slashes: string) => `${slashes}${slashes}\\|`)
  }
  const fence = '`'.repeat(longestRun(content, '`') + 1)
  const pad = content.startsWith('`') || content.endsWith('`') || /^ .* $/.test(content) ? ' ' : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

/**
 * A fenced code block. The fence is longer than any backtick run in the content, so no
 * line can close it early; the block always closes, so nothing after it is swallowed.
 */
export function codeBlock(content: string, language = ''): string {
  const body = sanitize(content)
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1))
  return `${fence}${language}\n${body}\n${fence}`
}
