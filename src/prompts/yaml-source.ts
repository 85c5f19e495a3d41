import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node
} from 'yaml'
import type { YAMLError } from 'yaml'
import { yamlValue } from '../config/safe-value.js'
import { UserError } from '../errors.js'

export type PathSegment = string | number

/** A parsed YAML file that can point at the source position of any value or key in it. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly text: string,
    private readonly document: Document,
    private readonly lineCounter: LineCounter
  ) {}

  /** Parses one YAML document; syntax errors become UserErrors at their line and column. */
  static parse(text: string, file: string, options: { duplicateKeys?: 'error' | 'allow' } = {}): YamlSource {
    const lineCounter = new LineCounter()
    const uniqueKeys = options.duplicateKeys !== 'allow'
    const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys })
    const source = new YamlSource(file, text, document, lineCounter)
    const [first] = document.errors
    if (first) throw source.syntaxError(first)
    return source
  }

  /** The plain value of the document (null for an empty one). */
  toJS(): unknown {
    const unresolved = this.unresolvedAlias()
    if (unresolved) {
      throw this.errorAt(
        `the alias *${unresolved.source} has no matching &${unresolved.source} anchor before it`,
        unresolved
      )
    }
    return yamlValue(this.document, { file: this.file }, 1000)
  }

  /** The node at a path of keys and indexes, or the deepest ancestor that exists. */
  nodeAt(path: readonly PathSegment[]): Node | undefined {
    let node = this.resolve(this.document.contents)
    for (const segment of path) {
      const next = this.child(node, segment)
      if (!next) break
      node = next
    }
    return node ?? undefined
  }

  /** The key node of `key` in the map at `path`, falling back to the map itself. */
  keyAt(path: readonly PathSegment[], key: string): Node | undefined {
    const parent = this.nodeAt(path)
    if (isMap(parent)) {
      const pair = parent.items.find(item => keyName(item.key) === key)
      if (pair && isScalar(pair.key)) return pair.key
    }
    return parent
  }

  /** A UserError at the start of `node` (or at the file when the node is unknown). */
  errorAt(message: string, node: Node | undefined): UserError {
    const offset = node?.range?.[0]
    if (offset === undefined) return new UserError(message, { file: this.file })
    const { line, col } = this.lineCounter.linePos(offset)
    return new UserError(message, { file: this.file, line, column: col })
  }

  /** Orders keys of the map at `path` as they appear in the file. */
  inFileOrder<T extends string>(path: readonly PathSegment[], keys: readonly T[]): T[] {
    const offset = (key: T) => this.keyAt(path, key)?.range?.[0] ?? Number.POSITIVE_INFINITY
    return [...keys].sort((a, b) => offset(a) - offset(b))
  }

  /** Each key that repeats an earlier key of the same map (the later value wins), with its line. */
  duplicateKeys(): { key: string; line: number | undefined }[] {
    const found: { key: string; line: number | undefined }[] = []
    visit(this.document, {
      Map: (_key, map) => {
        const seen = new Set<string>()
        for (const pair of map.items) {
          const name = keyName(pair.key)
          if (name === undefined) continue
          if (seen.has(name)) found.push({ key: name, line: this.lineOf(pair.key as Node) })
          seen.add(name)
        }
      }
    })
    return found
  }

  /** The 1-based line where `node` starts. */
  lineOf(node: Node | undefined): number | undefined {
    const offset = node?.range?.[0]
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line
  }

  private child(node: Node | null | undefined, segment: PathSegment): Node | undefined {
    if (isSeq(node)) return this.resolve(node.items[Number(segment)] as Node | undefined)
    if (!isMap(node)) return undefined
    const pair = node.items.find(item => keyName(item.key) === String(segment))
    if (!pair) return undefined
    // An empty value (`key:`) has no node of its own; point at the key instead.
    const value = this.resolve(pair.value as Node | null)
    return value && !(isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1])
      ? value
      : (pair.key as Node)
  }

  private resolve(node: Node | null | undefined): Node | undefined {
    if (isAlias(node)) return node.resolve(this.document) ?? node
    return node ?? undefined
  }

  private unresolvedAlias(): (Node & { source: string }) | undefined {
    let found: (Node & { source: string }) | undefined
    visit(this.document, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.document)) return undefined
        found = alias
        return visit.BREAK
      }
    })
    return found
  }

  private syntaxError(error: YAMLError): UserError {
    const { line, col } = this.lineCounter.linePos(error.pos[0])
    return new UserError(syntaxMessage(error, this.text), { file: this.file, line, column: col })
  }
}

function keyName(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined
}

function syntaxMessage(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return `the key "${keyAt(text, error.pos[0])}" appears twice in the same map; keep one`
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document; a prompt file is one document, so remove the extra "---"'
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; indent with spaces'
    default:
      return `invalid YAML: ${lowerFirst(error.message)}`
  }
}

function keyAt(text: string, offset: number): string {
  const line = text.slice(offset).split('\n', 1)[0] ?? ''
  return line.replace(/\s*:.*$/, '').replace(/^(["'])(.*)\1$/, '$2')
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
