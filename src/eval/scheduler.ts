import pLimit from 'p-limit'
import { UserError } from '../errors.js'

export const DEFAULT_CONCURRENCY = 8

/** The one queue every model call of a run goes through: both sides, all prompts, judges. */
export interface Scheduler {
  run<T>(task: () => Promise<T>): Promise<T>
  /** Rejects the tasks still waiting; running ones finish (cancel them through their AbortSignal). */
  cancelWaiting(): void
  readonly concurrency: number
  /** Tasks started so far. */
  readonly calls: number
  /** The most tasks that ran at the same time. */
  readonly maxInFlight: number
}

export function createScheduler(concurrency: number = DEFAULT_CONCURRENCY): Scheduler {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UserError(`concurrency must be a whole number of at least 1, not ${concurrency}`)
  }
  const limit = pLimit({ concurrency, rejectOnClear: true })
  let calls = 0
  let inFlight = 0
  let maxInFlight = 0

  return {
    run: task =>
      limit(async () => {
        calls += 1
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        try {
          return await task()
        } finally {
          inFlight -= 1
        }
      }),
    cancelWaiting: () => limit.clearQueue(),
    concurrency,
    get calls() {
      return calls
    },
    get maxInFlight() {
      return maxInFlight
    }
  }
}
