import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'

/** A path into a parsed value: mapping keys and list indexes. */
export type Path = readonly (string | number)[]

/** 1-based, as editors count. */
export interface Position {
  line: number
  column: number
}

export interface Problem extends Partial<Position> {
  message: string
}

/** A YAML (or JSON) text parsed with positions, so any path into its value can be located. */
export interface LocatedDocument {
  document: Document
  lineCounter: LineCounter
  /** Syntax errors, each with its position. */
  problems: Problem[]
}

export function parseWithPositions(text: string): LocatedDocument {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: true })
  const problems = document.errors.map(error => ({
    // prettyErrors appends "at line L, column C:" and a code excerpt; the position is reported separately.
    message: error.message.split(/ at line \d+, column \d+/)[0]!.trim(),
    line: error.linePos?.[0].line,
    column: error.linePos?.[0].col
  }))
  return { document, lineCounter, problems }
}

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

interface FoundNode {
  /** The deepest node reached on the path. */
  node: Node
  /** The key of the mapping entry that holds `node`, when the path ends in a key. */
  key?: Node
  /** Whether the whole path was found. */
  complete: boolean
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined
}

/** `key:` with nothing after it: point at the key rather than at the end of the line. */
function isEmptyValue(value: unknown): boolean {
  if (!value) return true
  return isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]
}

/** Walks `path` from `start`, following aliases, as far as the document goes. */
export function findNode(document: Document, start: Node, path: Path): FoundNode {
  let node = start
  let key: Node | undefined
  for (const segment of path) {
    if (isAlias(node)) node = (node.resolve(document) as Node | undefined) ?? node
    let next: Node | undefined
    let nextKey: Node | undefined
    if (isMap(node)) {
      const pair = node.items.find(item => keyText(item.key) === String(segment))
      if (pair) {
        nextKey = pair.key as Node
        next = isEmptyValue(pair.value) ? nextKey : (pair.value as Node)
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined
    }
    if (!next) return { node, key, complete: false }
    node = next
    key = nextKey
  }
  return { node, key, complete: true }
}

/**
 * Where the value at `path` starts, or its key when `at` is 'key'. A path that leaves the
 * document (a missing key) gives the position of the deepest node that exists.
 */
export function locate(
  located: LocatedDocument,
  path: Path,
  at: 'key' | 'value' = 'value',
  start: Node | undefined = located.document.contents ?? undefined
): Position | undefined {
  if (!start) return undefined
  const found = findNode(located.document, start, path)
  const node = at === 'key' && found.complete && found.key ? found.key : found.node
  return node.range ? positionAt(located.lineCounter, node.range[0]) : undefined
}
