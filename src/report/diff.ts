import { diffLines, diffWordsWithSpace } from 'diff'

/**
 * A base-vs-head diff for a fenced ```diff block: changed lines as `-`/`+` pairs (GitHub
 * colours them), the changed words inside marked git-style as [-removed-] and {+added+}.
 */

type LineKind = ' ' | '-' | '+'

export interface DiffLine {
  kind: LineKind | '@'
  text: string
  /** Where the change starts, so a long line is cut around it (the same for a `-`/`+` pair). */
  focus?: number
}

export interface DiffLimits {
  /** Most characters in the rendered diff. */
  maxChars: number
  maxLines: number
  maxLineChars: number
  /** Unchanged lines kept around each change. */
  context: number
}

/**
 * Bounds on the diff's cost: beyond them a block is shown as wholly replaced, which is also
 * the more readable view of outputs that share little.
 */
const MAX_LINE_EDITS = 2_000
/** Word edits allowed: about one token in ten, within these bounds (a long failed diff costs ~10 ms). */
const WORD_EDITS = { min: 100, max: 400 }
const DIFF_TIMEOUT_MS = 100
/** Only the start of a gigantic output is diffed: the report could never show more anyway. */
const MAX_DIFF_INPUT = 100_000

const MARKERS = { '-': ['[-', '-]'], '+': ['{+', '+}'] } as const

function splitLines(text: string): string[] {
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
}

/** Collects one side's lines, wrapping its changed words in markers only where the line also keeps words. */
class MarkedLines {
  private readonly done: string[] = []
  private marked = ''
  private plain = ''
  private keepsWords = false
  private changes = false

  constructor(private readonly side: '-' | '+') {}

  append(value: string, changed: boolean): void {
    value.split('\n').forEach((part, index) => {
      if (index > 0) this.endLine()
      if (part === '') return
      this.plain += part
      if (changed) {
        const [open, close] = MARKERS[this.side]
        this.marked += `${open}${part}${close}`
        this.changes = true
      } else {
        this.marked += part
        if (part.trim() !== '') this.keepsWords = true
      }
    })
  }

  lines(): string[] {
    this.endLine()
    return this.done
  }

  private endLine(): void {
    this.done.push(this.keepsWords && this.changes ? this.marked : this.plain)
    this.marked = ''
    this.plain = ''
    this.keepsWords = false
    this.changes = false
  }
}

type WordChange = { value: string; added: boolean; removed: boolean }

const isGap = (change: WordChange) => !change.added && !change.removed && /^[^\S\n]+$/.test(change.value)

/**
 * Joins changes separated only by spaces, so "[-for their money-]" reads as one edit
 * rather than "[-for-] [-their-] [-money-]".
 */
export function mergeNearbyChanges(changes: WordChange[]): WordChange[] {
  const merged: WordChange[] = []
  let index = 0
  while (index < changes.length) {
    const change = changes[index]!
    if (!change.added && !change.removed) {
      merged.push(change)
      index++
      continue
    }
    let removed = ''
    let added = ''
    let end = index
    while (end < changes.length) {
      const current = changes[end]!
      const isEdit = current.added || current.removed
      const bridges = isGap(current) && (changes[end + 1]?.added || changes[end + 1]?.removed)
      if (!isEdit && !bridges) break
      if (!current.added) removed += current.value
      if (!current.removed) added += current.value
      end++
    }
    if (removed !== '') merged.push({ value: removed, added: false, removed: true })
    if (added !== '') merged.push({ value: added, added: true, removed: false })
    index = end
  }
  return merged
}

function markWords(removed: string, added: string): DiffLine[] {
  // A word and the space after it are two tokens of about six characters together.
  const tokens = (removed.length + added.length) / 3
  const maxEditLength = Math.round(Math.min(WORD_EDITS.max, Math.max(WORD_EDITS.min, tokens / 10)))
  const raw = diffWordsWithSpace(removed, added, { maxEditLength, timeout: DIFF_TIMEOUT_MS })
  const changes = raw && mergeNearbyChanges(raw)
  if (!changes) {
    return [
      ...splitLines(removed).map(text => ({ kind: '-' as const, text })),
      ...splitLines(added).map(text => ({ kind: '+' as const, text }))
    ]
  }
  const base = new MarkedLines('-')
  const head = new MarkedLines('+')
  for (const change of changes) {
    if (!change.added) base.append(change.value, change.removed)
    if (!change.removed) head.append(change.value, change.added)
  }
  const lines = [
    ...base.lines().map(text => ({ kind: '-' as const, text })),
    ...head.lines().map(text => ({ kind: '+' as const, text }))
  ]
  const focus = Math.min(...lines.map(line => firstMarker(line.text)))
  return focus === Infinity ? lines : lines.map(line => ({ ...line, focus }))
}

function firstMarker(text: string): number {
  const positions = ['[-', '{+'].map(marker => text.indexOf(marker)).filter(position => position >= 0)
  return positions.length > 0 ? Math.min(...positions) : Infinity
}

function withFinalNewline(text: string): string {
  const capped = text.length > MAX_DIFF_INPUT ? text.slice(0, MAX_DIFF_INPUT) : text
  return capped.endsWith('\n') ? capped : `${capped}\n`
}

/** The full line-and-word diff; the expensive part, so callers may keep it for several renderings. */
export function diffOutputs(base: string, head: string): DiffLine[] {
  const before = withFinalNewline(base)
  const after = withFinalNewline(head)
  const changes = diffLines(before, after, { maxEditLength: MAX_LINE_EDITS, timeout: DIFF_TIMEOUT_MS }) ?? [
    { value: before, added: false, removed: true, count: 0 },
    { value: after, added: true, removed: false, count: 0 }
  ]
  const lines: DiffLine[] = []
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index]!
    const next = changes[index + 1]
    if (change.removed && next?.added) {
      lines.push(...markWords(change.value.slice(0, -1), next.value.slice(0, -1)))
      index++
    } else {
      const kind: LineKind = change.removed ? '-' : change.added ? '+' : ' '
      lines.push(...splitLines(change.value).map(text => ({ kind, text })))
    }
  }
  return lines
}

/** Replaces runs of unchanged lines far from any change with one `@@ N unchanged lines @@`. */
function collapseContext(lines: DiffLine[], context: number): DiffLine[] {
  const near = lines.map(() => false)
  lines.forEach((line, index) => {
    if (line.kind === ' ') return
    for (
      let other = Math.max(0, index - context);
      other <= Math.min(lines.length - 1, index + context);
      other++
    ) {
      near[other] = true
    }
  })
  const collapsed: DiffLine[] = []
  let hidden = 0
  const flushHidden = () => {
    if (hidden > 0) collapsed.push({ kind: '@', text: `${hidden} unchanged line${hidden === 1 ? '' : 's'}` })
    hidden = 0
  }
  lines.forEach((line, index) => {
    if (line.kind === ' ' && !near[index]) {
      hidden++
      return
    }
    flushHidden()
    collapsed.push(line)
  })
  flushHidden()
  return collapsed
}

/** Cuts a long line, starting a little before the change (`focus`) so it stays in view. */
function windowLine(text: string, max: number, focus = firstMarker(text)): string {
  if (text.length <= max) return text
  const start = focus !== Infinity && focus > max / 2 ? Math.min(focus, text.length) - 40 : 0
  const slice = text.slice(start, start + max).replace(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/g, '')
  return `${start > 0 ? '…' : ''}${slice}${start + max < text.length ? '…' : ''}`
}

function formatLine(line: DiffLine, maxLineChars: number): string {
  if (line.kind === '@') return `@@ ${line.text} @@`
  const text = windowLine(line.text, maxLineChars, line.focus)
  return text === '' ? line.kind : `${line.kind} ${text}`
}

/** The body of a ```diff block for base vs head output, within the limits; empty when they are equal. */
export function renderOutputDiff(
  base: string,
  head: string,
  limits: DiffLimits,
  diff: DiffLine[] = base === head ? [] : diffOutputs(base, head)
): string {
  if (base === head) return ''
  const lines = collapseContext(diff, limits.context)
  const rendered: string[] = []
  let chars = 0
  for (const [index, line] of lines.entries()) {
    const text = formatLine(line, limits.maxLineChars)
    if (
      rendered.length > 0 &&
      (rendered.length >= limits.maxLines || chars + text.length > limits.maxChars)
    ) {
      const rest = lines.length - index
      rendered.push(`@@ ${rest} more diff line${rest === 1 ? '' : 's'} not shown @@`)
      break
    }
    rendered.push(text)
    chars += text.length + 1
  }
  return rendered.join('\n')
}

/** One output (no counterpart to diff against), cut to the same limits. */
export function renderOutput(output: string, limits: DiffLimits): string {
  const lines = splitLines(output)
  const rendered: string[] = []
  let chars = 0
  for (const [index, line] of lines.entries()) {
    const text = windowLine(line, limits.maxLineChars)
    if (
      rendered.length > 0 &&
      (rendered.length >= limits.maxLines || chars + text.length > limits.maxChars)
    ) {
      const rest = lines.length - index
      rendered.push(`… ${rest} more line${rest === 1 ? '' : 's'} not shown`)
      break
    }
    rendered.push(text)
    chars += text.length + 1
  }
  return rendered.join('\n')
}
