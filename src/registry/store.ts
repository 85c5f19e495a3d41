/**
 * Where the registry branch lives: a local repository (the CLI) or GitHub's Git Database API (the
 * action). The engine reads and writes through this interface only.
 */

/** The branch at one commit. */
export interface RegistryTip {
  /** The commit read; undefined when the branch does not exist yet. */
  sha?: string
  /** A file's text at that commit; undefined when it does not exist. */
  read(path: string): Promise<string | undefined>
  /** Every file path under `dir` (e.g. `versions`) at that commit. */
  list(dir: string): Promise<string[]>
}

export interface RegistryWrite {
  /** The commit the change was computed on; undefined to create the branch (an orphan commit). */
  parent?: string
  /** Whole new contents by path; files not named stay as they are. */
  files: Record<string, string>
  message: string
}

/** `moved`: the branch is no longer at `parent` (another writer was first); nothing was written. */
export type RegistryWriteOutcome = { status: 'committed'; sha: string } | { status: 'moved' }

export interface RegistryStore {
  readonly branch: string
  /** Where, in words, for messages: "the branch promptgate/registry of /path/to/repo". */
  readonly where: string
  read(): Promise<RegistryTip>
  /** Commits on top of `parent` only if the branch is still there (never a force push). */
  write(change: RegistryWrite): Promise<RegistryWriteOutcome>
}
