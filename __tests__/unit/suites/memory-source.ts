import type { ChangeSource, ChangedFile } from '../../../src/changes/types.js'

export type Tree = Record<string, string>

export const BASE = 'b'.repeat(40)
export const HEAD = 'c'.repeat(40)

export interface MemorySource extends ChangeSource {
  /** Refs `listFiles` was asked for, in order. */
  listed: string[]
}

/**
 * A ChangeSource over two in-memory trees. The changed files are computed from the trees (added,
 * modified, removed); `renames` maps a head path to the base path it was renamed from.
 */
export function memorySource(base: Tree, head: Tree, renames: Record<string, string> = {}): MemorySource {
  const trees: Record<string, Tree> = { [BASE]: base, [HEAD]: head }
  const renamedFrom = new Set(Object.values(renames))
  const changed: ChangedFile[] = []
  for (const [path, text] of Object.entries(head)) {
    const previousPath = renames[path]
    if (previousPath !== undefined) changed.push({ path, status: 'renamed', previousPath })
    else if (!(path in base)) changed.push({ path, status: 'added' })
    else if (base[path] !== text) changed.push({ path, status: 'modified' })
  }
  for (const path of Object.keys(base)) {
    if (!(path in head) && !renamedFrom.has(path)) changed.push({ path, status: 'removed' })
  }
  const listed: string[] = []
  return {
    baseRef: BASE,
    headRef: HEAD,
    listed,
    listChangedFiles: async () => changed,
    listFiles: async ref => {
      listed.push(ref)
      return Object.keys(trees[ref] ?? {})
    },
    read: async (ref, path) => trees[ref]?.[path]
  }
}
