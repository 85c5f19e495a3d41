import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

const ROOT = resolve(import.meta.dirname, '..', '..')
/** Node 24, the Actions runtime, installed from npm as a devDependency. */
export const NODE = join(ROOT, 'node_modules', '.bin', 'node')
export const ACTION = join(ROOT, 'dist', 'index.js')

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** `::error` and `::warning` workflow commands the step printed. */
  annotations: { level: string; properties: string; message: string }[]
}

/** INPUT_* variables with action.yml's defaults filled in, as the runner sets them. */
export function defaultInputs(token: string): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      `INPUT_${name.toUpperCase()}`,
      String(input.default ?? '').replace('${{ github.token }}', token)
    ])
  )
}

/** Reads GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
    outputs[name as string] = value.join('\n')
  }
  return outputs
}

export function parseAnnotations(stdout: string): ActionRun['annotations'] {
  return stdout
    .split('\n')
    .map(line => /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(match => ({
      level: match[1] as string,
      properties: (match[2] ?? '').trim(),
      message: match[3] as string
    }))
}

export interface RunActionOptions {
  eventName?: string
  payload: unknown
  workspace: string
  githubApiUrl: string
  modelsEndpoint: string
  token: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/** Spawns the bundled action the way a runner does and collects what it wrote. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'promptgate-runner-'))
  const eventPath = join(scratch, 'event.json')
  const outputPath = join(scratch, 'output.txt')
  const summaryPath = join(scratch, 'summary.md')
  writeFileSync(eventPath, JSON.stringify(options.payload))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const inputs: Record<string, string> = {
    ...defaultInputs(options.token),
    'INPUT_MODELS-ENDPOINT': options.modelsEndpoint
  }
  for (const [name, value] of Object.entries(options.inputs ?? {}))
    inputs[`INPUT_${name.toUpperCase()}`] = value
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: options.githubApiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: scratch,
    ...inputs,
    ...options.env
  }
  const child = spawn(NODE, [ACTION], { cwd: options.workspace, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const exitCode = await new Promise<number>(done => child.on('close', code => done(code ?? -1)))
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    annotations: parseAnnotations(stdout)
  }
}
