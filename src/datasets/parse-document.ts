import { isSeq } from 'yaml'
import { locate, positionAt, type LocatedDocument } from '../config/positions.js'
import { UserError } from '../errors.js'
import type { RawCase } from './raw-case.js'

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value !== null && typeof value === 'object') return 'a mapping'
  return JSON.stringify(value)
}

/** The cases of a YAML or JSON document whose top level is a list, each with its position. */
export function casesFromDocument(located: LocatedDocument, value: unknown, file: string): RawCase[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value)) {
    throw new UserError(`the file must hold a list of test cases, not ${kindOf(value)}`, {
      file,
      line: 1,
      column: 1
    })
  }
  const list = located.document.contents
  return value.map((item, index) => {
    const node = isSeq(list)
      ? (list.items[index] as { range?: [number, number, number] } | undefined)
      : undefined
    const start = node?.range ? positionAt(located.lineCounter, node.range[0]) : undefined
    return {
      value: item,
      line: start?.line,
      locate: (path, at) => (isSeq(list) ? locate(located, [index, ...path], at) : start)
    }
  })
}
