import { marked } from 'marked'

/** Renders markdown the way GitHub does, near enough for structure checks (GFM, no sanitising). */
export function renderHtml(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}

/** Every element name in the HTML, opening and closing. */
export function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map(match => match[1]!.toLowerCase())
}

/** Checks `<details>` open and close in nesting order. */
export function detailsBalanced(html: string): boolean {
  let depth = 0
  for (const match of html.matchAll(/<(\/?)details\b/gi)) {
    depth += match[1] ? -1 : 1
    if (depth < 0) return false
  }
  return depth === 0
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&')
}

/** The visible text outside `<code>` and `<pre>`, where GitHub would link mentions. */
export function textOutsideCode(html: string): string {
  const withoutCode = html.replace(/<pre[\s\S]*?<\/pre>/gi, ' ').replace(/<code[\s\S]*?<\/code>/gi, ' ')
  return decodeEntities(withoutCode.replace(/<[^>]+>/g, ' '))
}

/** `@user` or `@org/team` as GitHub would notify: `@` after a non-word character, then a name. */
export function mentions(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\w`])@([A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][\w-]*)?)/g)].map(
    m => m[1]!
  )
}
