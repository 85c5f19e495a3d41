import { UserError } from '../errors.js'

/** The time the whole evaluation may take; every provider call of a run shares it. */
export interface Deadline {
  /** Aborts when the deadline passes: calls in flight are cancelled. */
  readonly signal: AbortSignal
  remainingMs(): number
  readonly expired: boolean
  /** How the user set it, for messages: `deadline of 30 minutes (the "deadline" input)`. */
  readonly description: string
  /** The error a call gets once the deadline has passed. */
  error(): UserError
}

/**
 * A deadline `ms` from now. `setting` names where it was set, e.g. `the "deadline" input` or
 * `--deadline`, so the error tells the user what to raise.
 */
export function createDeadline(ms: number, setting: string): Deadline {
  const at = Date.now() + ms
  const controller = new AbortController()
  // Unref'd: a finished run must not wait for the deadline to exit.
  setTimeout(() => controller.abort(), ms).unref()
  const minutes = ms / 60_000
  const description = `deadline of ${Number.isInteger(minutes) ? minutes : minutes.toFixed(2)} minute${minutes === 1 ? '' : 's'} (${setting})`
  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, at - Date.now()),
    get expired() {
      return Date.now() >= at || controller.signal.aborted
    },
    description,
    error: () =>
      new UserError(
        `the evaluation passed its ${description}; the remaining model calls were cancelled, so the verdict ` +
          'is unknown. Raise the deadline, or make the run faster: a higher "concurrency", a smaller golden set, ' +
          'or the result cache.'
      )
  }
}
