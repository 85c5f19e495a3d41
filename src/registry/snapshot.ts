import { UserError } from '../errors.js'
import { digestHex } from './digest.js'
import { previousStable, type RegistryHistory } from './state.js'
import { REGISTRY_FILES, type RegistrySnapshot, type SnapshotPrompt, type VersionRecord } from './types.js'

/** Reads a version file by digest; the transaction serves new versions before they are committed. */
export type VersionLookup = (digest: string) => Promise<VersionRecord | undefined>

export function versionPath(digest: string): string {
  return `${REGISTRY_FILES.versions}/${digestHex(digest)}.json`
}

/**
 * What services read: each prompt's channels and only the versions they (and the previous stable)
 * point at, so the file stays small however long the history grows.
 */
export async function compileSnapshot(
  histories: RegistryHistory,
  lookUp: VersionLookup,
  generatedAt: string
): Promise<RegistrySnapshot> {
  const prompts: Record<string, SnapshotPrompt> = {}
  for (const id of [...histories.keys()].sort()) {
    const history = histories.get(id)
    if (!history || Object.keys(history.channels).length === 0) continue
    const previous = previousStable(history)
    const pointed = [...Object.values(history.channels), ...(previous ? [previous] : [])]
    const versions: SnapshotPrompt['versions'] = {}
    for (const pointer of pointed) {
      if (versions[pointer.digest]) continue
      const record = await lookUp(pointer.digest)
      if (!record) {
        throw new UserError(
          `${versionPath(pointer.digest)} is missing, but the events point ${id} v${pointer.version} at it; restore the file from the registry branch's history.`,
          { file: versionPath(pointer.digest) }
        )
      }
      versions[pointer.digest] = {
        version: record.version,
        commit: record.commit,
        registered_at: record.registered_at,
        content: record.content
      }
    }
    prompts[id] = {
      channels: { ...history.channels },
      ...(previous ? { previous_stable: previous } : {}),
      versions
    }
  }
  return { schema_version: 1, generated_at: generatedAt, prompts }
}
