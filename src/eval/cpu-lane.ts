/**
 * Takes turns for CPU-heavy steps (checking an output), one per event-loop iteration. Between two turns
 * Node polls the network, so a finished response frees its slot and the next request goes out after at
 * most one step, not after every output that arrived in the same batch has been checked.
 */
export interface CpuLane {
  /** Resolves when it is the caller's turn; the caller's synchronous work runs before the next turn. */
  turn(): Promise<void>
}

export function createCpuLane(): CpuLane {
  const waiting: (() => void)[] = []
  let scheduled = false

  function schedule(): void {
    if (scheduled || waiting.length === 0) return
    scheduled = true
    setImmediate(next)
  }

  function next(): void {
    scheduled = false
    waiting.shift()?.()
    schedule()
  }

  return {
    turn: () =>
      new Promise<void>(resolve => {
        waiting.push(resolve)
        schedule()
      })
  }
}
