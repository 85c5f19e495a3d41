import type { ChangeSource, ChangedFile } from './types.js'

/**
 * Every file at the head counts as changed (modified when the base has it, added when not), so every
 * prompt the repository defines is evaluated, each against its base version. `only` keeps just those paths.
 */
export function wholeTreeSource(source: ChangeSource, only?: readonly string[]): ChangeSource {
  return {
    baseRef: source.baseRef,
    headRef: source.headRef,
    read: (ref, path) => source.read(ref, path),
    listFiles: ref => source.listFiles(ref),
    async listChangedFiles(): Promise<ChangedFile[]> {
      const head = await source.listFiles(source.headRef)
      const base =
        source.baseRef === source.headRef
          ? new Set<string>()
          : new Set(await source.listFiles(source.baseRef))
      const wanted = only && new Set(only)
      return head
        .filter(path => !wanted || wanted.has(path))
        .sort()
        .map(path => ({ path, status: base.has(path) ? 'modified' : 'added' }))
    }
  }
}
