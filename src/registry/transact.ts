import { UserError } from '../errors.js'
import { appendEvents, parseEvents } from './events.js'
import { compileFlagd } from './flagd.js'
import { compileSnapshot, versionPath, type VersionLookup } from './snapshot.js'
import { foldEvents, type RegistryHistory } from './state.js'
import type { RegistryStore, RegistryTip } from './store.js'
import { REGISTRY_FILES, type RegistryEvent, type VersionRecord } from './types.js'

/** The registry as read at one tip of its branch. */
export interface RegistryState {
  tip: RegistryTip
  eventsText: string
  events: RegistryEvent[]
  histories: RegistryHistory
  /** A version file by digest (undefined when it is not registered). */
  version: VersionLookup
}

/** What one command adds: new events (appended) and new version files, in one commit. */
export interface RegistryChange {
  events: RegistryEvent[]
  versions: VersionRecord[]
  message: string
}

export interface TransactionOutcome<T> {
  /** What `plan` said of the state it finally ran on. */
  result: T
  /** The commit written; undefined when the plan changed nothing. */
  sha?: string
  state: RegistryState
}

/** How many times a write is recomputed on a branch another writer moved, before giving up. */
const ATTEMPTS = 6

export async function readRegistry(store: RegistryStore): Promise<RegistryState> {
  const tip = await store.read()
  const eventsText = (await tip.read(REGISTRY_FILES.events)) ?? ''
  const events = parseEvents(eventsText, store.where)
  return {
    tip,
    eventsText,
    events,
    histories: foldEvents(events),
    version: async digest => {
      const text = await tip.read(versionPath(digest))
      if (text === undefined) return undefined
      try {
        return JSON.parse(text) as VersionRecord
      } catch {
        throw new UserError(
          `${versionPath(digest)} on ${store.where} is not JSON; restore it from the branch history.`,
          {
            file: versionPath(digest)
          }
        )
      }
    }
  }
}

/**
 * Reads the branch, lets `plan` decide what to add, and commits it with a fresh snapshot and flag file
 * on top of exactly the commit it read. When another writer moved the branch meanwhile, the plan runs
 * again on the new tip (so a version registered twice is registered once); nothing is overwritten.
 */
export async function transact<T>(
  store: RegistryStore,
  plan: (state: RegistryState) => Promise<{ result: T; change?: RegistryChange }>,
  now: () => Date = () => new Date()
): Promise<TransactionOutcome<T>> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const state = await readRegistry(store)
    const { result, change } = await plan(state)
    if (!change || (change.events.length === 0 && change.versions.length === 0)) return { result, state }
    const pending = new Map(change.versions.map(record => [record.digest, record]))
    const lookUp: VersionLookup = async digest => pending.get(digest) ?? (await state.version(digest))
    const after = foldEvents(change.events, foldEvents(state.events))
    const snapshot = await compileSnapshot(after, lookUp, now().toISOString())
    const files: Record<string, string> = {
      [REGISTRY_FILES.events]: appendEvents(state.eventsText, change.events),
      [REGISTRY_FILES.snapshot]: `${JSON.stringify(snapshot, null, 2)}\n`,
      [REGISTRY_FILES.flags]: `${JSON.stringify(compileFlagd(snapshot), null, 2)}\n`
    }
    for (const record of change.versions)
      files[versionPath(record.digest)] = `${JSON.stringify(record, null, 2)}\n`
    const written = await store.write({ parent: state.tip.sha, files, message: change.message })
    if (written.status === 'committed') return { result, sha: written.sha, state }
  }
  throw new UserError(
    `${store.where} moved under every one of ${ATTEMPTS} attempts to write it; another job is writing the registry ` +
      'in a loop. Retry once it is done.'
  )
}
