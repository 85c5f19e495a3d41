import { existsSync } from 'node:fs'
import { UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'
import { parseCommandOutput } from './command-output.js'
import { runProgram, type ProgramOutcome } from './run-program.js'
import { splitShellWords } from './shell-words.js'
import type { Completion, CompletionRequest, Provider } from './types.js'

export interface CommandOptions {
  /** Where the program runs. */
  cwd: string
  /** The program's environment. */
  env: Record<string, string | undefined>
  /** The program and its children are killed after this many milliseconds. */
  timeoutMs: number
}

/** What the program reads on stdin, as one line of JSON. */
export interface CommandInput {
  messages: CompletionRequest['messages']
  parameters: CompletionRequest['parameters']
  responseFormat?: CompletionRequest['responseFormat']
  jsonSchema?: unknown
}

const STDERR_LINES_SHOWN = 20
const STDERR_LINE_LENGTH = 300

/**
 * `command:<cmd>`: the team's own program answers. It gets the rendered request as JSON on stdin and
 * prints the answer on stdout (the README's Providers section describes the protocol). The command line is split like a
 * shell would split it, but no shell runs it.
 */
export function createCommandProvider(ref: ProviderRef, command: string, options: CommandOptions): Provider {
  const argv = splitShellWords(command)
  if (argv.length === 0 || !argv[0]) throw new UserError(`${ref.id} names no program to run`)

  async function complete(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    let outcome: ProgramOutcome
    try {
      outcome = await runProgram(argv, {
        cwd: options.cwd,
        env: options.env,
        input: `${JSON.stringify(toCommandInput(request))}\n`,
        timeoutMs: options.timeoutMs,
        signal
      })
    } catch (error) {
      throw startFailure(error, argv[0]!, options.cwd, ref.id)
    }

    switch (outcome.kind) {
      case 'exited':
        if (outcome.code !== 0) {
          throw new Error(`${ref.id} exited with code ${outcome.code}${stderrReport(outcome.stderr)}`)
        }
        return { ...parsedAnswer(outcome.stdout, ref.id), latencyMs: outcome.durationMs }
      case 'signalled':
        throw new Error(`${ref.id} was killed by ${outcome.signal}${stderrReport(outcome.stderr)}`)
      case 'timed-out':
        throw new Error(
          `${ref.id} did not finish within ${options.timeoutMs} ms and was stopped${stderrReport(outcome.stderr)}`
        )
      case 'too-much-output':
        throw new Error(`${ref.id} printed more than 16 MiB on stdout and was stopped.`)
      case 'cancelled':
        throw new Error(`${ref.id}: the request was cancelled.`)
    }
  }

  return { ref, complete }
}

function toCommandInput(request: CompletionRequest): CommandInput {
  const input: CommandInput = { messages: request.messages, parameters: request.parameters }
  if (request.responseFormat !== undefined) input.responseFormat = request.responseFormat
  if (request.jsonSchema !== undefined) input.jsonSchema = request.jsonSchema
  return input
}

function parsedAnswer(stdout: string, providerId: string) {
  try {
    return parseCommandOutput(stdout)
  } catch (error) {
    throw new Error(`${providerId} ${(error as Error).message}`)
  }
}

function startFailure(error: unknown, program: string, cwd: string, providerId: string): Error {
  const code = (error as NodeJS.ErrnoException).code
  // spawn says ENOENT for a missing working directory too.
  if (code === 'ENOENT' && !existsSync(cwd)) {
    return new UserError(`${providerId}: the working directory ${cwd} does not exist`)
  }
  if (code === 'ENOENT') return new UserError(`command not found: ${program}`)
  if (code === 'EACCES')
    return new UserError(`command is not executable: ${program} (check its mode, chmod +x)`)
  return new Error(`${providerId} could not be started: ${(error as Error).message}`)
}

/** The end of stderr, where programs say what went wrong. */
function stderrReport(stderr: string): string {
  const lines = stderr.replace(/\s+$/, '').split(/\r?\n/)
  if (lines.length === 1 && lines[0] === '') return '; it printed nothing on stderr.'
  const shown = lines
    .slice(-STDERR_LINES_SHOWN)
    .map(line => (line.length > STDERR_LINE_LENGTH ? `${line.slice(0, STDERR_LINE_LENGTH - 1)}…` : line))
  const which = lines.length > STDERR_LINES_SHOWN ? `the last ${STDERR_LINES_SHOWN} lines of ` : ''
  return `; ${which}its stderr:\n${shown.join('\n')}`
}
