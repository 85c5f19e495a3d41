export type ChangeStatus = 'added' | 'modified' | 'renamed' | 'removed'

/** A file the pull request (or the local ref range) touched. */
export interface ChangedFile {
  path: string
  status: ChangeStatus
  /** The path at the base ref, for renamed files. */
  previousPath?: string
}

/** Reads a file's text at a git ref; `undefined` when the file does not exist there. */
export interface FileReader {
  read(ref: string, path: string): Promise<string | undefined>
}

/** Where the pipeline learns what changed and reads both versions. */
export interface ChangeSource extends FileReader {
  readonly baseRef: string
  readonly headRef: string
  listChangedFiles(): Promise<ChangedFile[]>
  /** Every file path in the tree at `ref` (files only, no directories), in no particular order. */
  listFiles(ref: string): Promise<string[]>
}
