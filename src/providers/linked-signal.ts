/**
 * A signal that aborts when any of `signals` does, with `dispose` to unhook it. Unlike
 * `AbortSignal.any`, it leaves nothing behind on long-lived signals (the run's cancellation, the
 * deadline) once the call is over: thousands of calls would otherwise pile dependents on them.
 */
export function linkedSignal(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const sources = signals.filter((signal): signal is AbortSignal => signal !== undefined)
  const abort = (): void => controller.abort()
  for (const source of sources) {
    if (source.aborted) {
      controller.abort()
      break
    }
    source.addEventListener('abort', abort, { once: true })
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const source of sources) source.removeEventListener('abort', abort)
    }
  }
}
