/**
 * Penn Treebank word tokenization with the conventions of js-rouge, the library behind promptfoo's
 * `rouge-n`: straight double quotes become `` `` `` (opening) or `''` (closing); punctuation,
 * brackets, a sentence-final period and clitics (`'s`, `n't`, `'ll`, ...) become tokens of their
 * own; `cannot`, `gonna` and a few other fused words are split. ROUGE scores depend on every token,
 * so the rules below reproduce js-rouge's, including its quote heuristics.
 */
export function treebankTokenize(input: string): string[] {
  const text = input.replace(/[\s\u0085]+/g, ' ').trim()
  if (text === '') return []
  let spaced = ` ${splitPunctuation(markQuotes(text))} `
  for (const [pattern, replacement] of CLITIC_RULES) spaced = spaced.replace(pattern, replacement)
  for (const fused of FUSED_WORDS) spaced = spaced.replace(fused, ' $1 $2 ')
  return spaced.replace(/ {2,}/g, ' ').replace(/^ | $/g, '').split(' ')
}

const QUOTE = /``|''|"/g
const OPENING = ' `` '
const CLOSING = " '' "

/** Replaces each double quote (`"`, ` `` `, `''`) with a spaced opening or closing quote token. */
function markQuotes(text: string): string {
  let inside = false
  return text.replace(QUOTE, (quote: string, at: number) => {
    inside = quote === '``' || opensQuote(text, at, quote, inside)
    return inside ? OPENING : CLOSING
  })
}

function opensQuote(text: string, at: number, quote: string, inside: boolean): boolean {
  const before = text[at - 1]
  const notLast = at + quote.length < text.length || at === 0 || /[\s\p{Ps}<]/u.test(before ?? '')
  if (!notLast || inside || !openingContext(text, at)) return false
  if (/[.!?]/.test(before ?? '')) return false
  if (quote === '"') return true
  // A `''` opens only when a word follows it and the next quote mark closes with `''`.
  return (
    at > 0 &&
    /^[\p{Letter}\p{Number}\p{Sc}\p{Ps}]$/u.test(codePointAt(text, at + 2)) &&
    text.slice(at + 2).match(/``|''|"/)?.[0] === "''"
  )
}

/** What may precede an opening quote: the start, a space, punctuation, `<`, or another opening quote. */
function openingContext(text: string, at: number): boolean {
  if (at === 0) return true
  if (/[\s\p{Punctuation}<]/u.test(text[at - 1] ?? '')) return true
  return text.slice(at - 2, at) === '``' || afterFootnoteMarker(text, at)
}

/**
 * A quote right after a footnote marker that follows a closed sentence, as in `said."ᵃ "`:
 * a modifier letter (compatibility form, e.g. superscript a), optionally followed by digits,
 * right after `.`, `!` or `?` and a closing quote.
 */
function afterFootnoteMarker(text: string, at: number): boolean {
  const marker = text.slice(Math.max(0, at - 2), at).match(/\p{Lm}$/u)?.[0]
  if (marker === undefined) return false
  const markerStart = at - marker.length
  const markerChar = codePointAt(text, markerStart)
  const isCompatibilityForm = markerChar !== markerChar.normalize('NFKC')
  if (!isCompatibilityForm) return false
  if (!/^\p{Lm}(?:[\s.,;:!?"'“‘”’\])}>]|$)/u.test(text.slice(markerStart, markerStart + 4))) return false
  let start = markerStart
  while (start > 0) {
    const digit = text.slice(Math.max(0, start - 2), start).match(/\p{Number}$/u)?.[0]
    if (digit === undefined) break
    start -= digit.length
  }
  return /[.!?]["'”’]$/.test(text.slice(Math.max(0, start - 2), start))
}

function splitPunctuation(text: string): string {
  return (
    text
      .replace(/\.{3}/g, ' ... ')
      // Commas and colons, except inside numbers such as 1,000 and 10:30.
      .replace(/[:,](?!\p{Decimal_Number})/gu, ' $& ')
      .replace(/[;@#$%&]/g, ' $& ')
      // Only the text's final period, not one closing an abbreviation such as "u.s.".
      .replace(/([^.])(?<!\b[A-Za-z]\.[A-Za-z])(\.)([\])}>'\s]*)$/g, '$1 $2$3 ')
      .replace(/[?!]/g, ' $& ')
      .replace(/[\][(){}<>]/g, ' $& ')
      .replace(/--/g, ' -- ')
  )
}

const CLITIC_RULES: Array<[RegExp, string]> = [
  [/([^'])' /g, "$1 ' "],
  [/'([sSmMdD]) /g, " '$1 "],
  [/('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, ' $1 ']
]

const WORD_CHAR = '[\\p{ID_Continue}\\u200c\\u200d]'
const fusedWord = (parts: string) => new RegExp(`(?<!${WORD_CHAR})${parts}(?!${WORD_CHAR})`, 'giu')

/** Words written as one that the Treebank counts as two, e.g. `cannot` is `can` + `not`. */
const FUSED_WORDS: RegExp[] = [
  fusedWord('(can)(not)'),
  fusedWord("(d)('ye)"),
  fusedWord('(gim)(me)'),
  fusedWord('(gon)(na)'),
  fusedWord('(got)(ta)'),
  fusedWord('(lem)(me)'),
  fusedWord("(more)('n)"),
  fusedWord('(wan)(na)(?= )'),
  fusedWord("('t)(is)"),
  fusedWord("('t)(was)")
]

function codePointAt(text: string, at: number): string {
  const codePoint = text.codePointAt(at)
  return codePoint === undefined ? '' : String.fromCodePoint(codePoint)
}
