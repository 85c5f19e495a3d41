import { spawn, type ChildProcess } from 'node:child_process'

export interface RunProgramOptions {
  cwd: string
  env: Record<string, string | undefined>
  /** Sent on stdin, which is then closed. */
  input: string
  /** The program and everything it started are killed after this many milliseconds. */
  timeoutMs: number
  signal?: AbortSignal
  /** stdout beyond this many bytes stops the program. */
  maxOutputBytes?: number
}

export type ProgramOutcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string; durationMs: number }
  | { kind: 'signalled'; signal: string; stderr: string }
  | { kind: 'timed-out'; stderr: string }
  | { kind: 'cancelled' }
  | { kind: 'too-much-output'; stderr: string }

const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024
/** Enough for the last lines of any error report. */
const STDERR_TAIL_BYTES = 64 * 1024
const IS_WINDOWS = process.platform === 'win32'

/**
 * Runs a program without a shell. Rejects only when it cannot be started (the spawn error, e.g. ENOENT);
 * every way a started program ends is an outcome.
 */
export function runProgram(argv: string[], options: RunProgramOptions): Promise<ProgramOutcome> {
  const [program, ...args] = argv
  if (options.signal?.aborted) return Promise.resolve({ kind: 'cancelled' })

  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    // Its own process group, so a timeout also stops whatever it started (a shell script's children).
    const child = spawn(program!, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: !IS_WINDOWS,
      windowsHide: true
    })
    const stdout: Buffer[] = []
    let stdoutBytes = 0
    let stderrTail = Buffer.alloc(0)
    let ending: 'timed-out' | 'cancelled' | 'too-much-output' | undefined
    const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES

    const stop = (reason: NonNullable<typeof ending>): void => {
      ending ??= reason
      killGroup(child)
    }
    const timer = setTimeout(() => stop('timed-out'), options.timeoutMs)
    const onAbort = (): void => stop('cancelled')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const cleanUp = (): void => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }

    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length
      if (stdoutBytes > maxOutputBytes) stop('too-much-output')
      else stdout.push(chunk)
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = Buffer.concat([stderrTail, chunk])
      if (stderrTail.length > STDERR_TAIL_BYTES) stderrTail = stderrTail.subarray(-STDERR_TAIL_BYTES)
    })
    // A program that exits without reading its input closes the pipe under us (EPIPE): not our failure.
    child.stdin!.on('error', () => {})
    child.stdin!.end(options.input)

    child.once('error', error => {
      cleanUp()
      killGroup(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      cleanUp()
      const stderr = stderrTail.toString('utf8')
      if (ending === 'cancelled') resolve({ kind: 'cancelled' })
      else if (ending) resolve({ kind: ending, stderr })
      else if (code === null) resolve({ kind: 'signalled', signal: signal ?? 'unknown signal', stderr })
      else {
        resolve({
          kind: 'exited',
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr,
          durationMs: Math.round(performance.now() - startedAt)
        })
      }
    })
  })
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    if (IS_WINDOWS) child.kill('SIGKILL')
    else process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
