import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { NODE } from './run-action.js'

export const CLI = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'cli.js')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Spawns the bundled CLI with only the environment given (plus PATH). */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string
): Promise<CliRun> {
  const child = spawn(NODE, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const code = await new Promise<number>(done => child.on('close', exit => done(exit ?? -1)))
  return { code, stdout, stderr }
}
