import * as core from '@actions/core'
import { UserError } from './errors.js'

export interface ActionInputs {
  configPath: string
  githubToken: string
  modelsToken: string
  modelsEndpoint: string
  overrideLabel: string
  comment: boolean
  failOnRegression: boolean
  reportPath: string
  checkName: string
  uploadReport: boolean
  cache: boolean
  cachePath: string
  /** `base`: only the base branch's providers run under pull_request too (always so under pull_request_target). */
  trustedProviders: 'auto' | 'base'
  /** `max-calls`: the most model calls a run may plan; undefined when the input is empty. */
  maxCalls?: number
  /** `evaluate` (default) runs the gate; `publish` writes a fork run's uploaded report (src/github/publish-mode.ts). */
  mode: ActionMode
  /** Each model request's limit, from `request-timeout` (seconds). */
  requestTimeoutMs: number
  /** The whole evaluation's limit, from `deadline` (minutes). */
  deadlineMs: number
  /** `registry`: a push to the default branch registers the versions it changed. */
  registry: boolean
  registryBranch: string
  /** A registry command for workflow_dispatch; undefined when `command` is empty. */
  command?: RegistryCommandInputs
  /** `deployments`: mirror channel moves as GitHub Deployments. */
  deployments: boolean
}

export const registryCommands = ['promote', 'canary', 'rollback', 'pause', 'resume', 'abort'] as const

export interface RegistryCommandInputs {
  command: (typeof registryCommands)[number]
  prompt: string
  version?: number
  percent?: number
}

export const actionModes = ['evaluate', 'publish'] as const
export type ActionMode = (typeof actionModes)[number]

function modeInput(): ActionMode {
  const raw = core.getInput('mode').trim().toLowerCase() || 'evaluate'
  if ((actionModes as readonly string[]).includes(raw)) return raw as ActionMode
  throw new UserError(
    `input "mode" must be evaluate or publish, not "${raw}"; fix it in the workflow's "with:" block`
  )
}

function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim().toLowerCase()
  if (raw === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(raw)) return true
  if (['false', 'no', '0', 'off'].includes(raw)) return false
  throw new UserError(
    `input "${name}" must be true or false, not "${raw}"; fix it in the workflow's "with:" block`
  )
}

function countInput(name: string): number | undefined {
  const raw = core.getInput(name).trim()
  if (raw === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(
      `input "${name}" must be a whole number of 1 or more, not "${raw}"; fix it in the workflow's "with:" block`
    )
  }
  return value
}

/** A number above 0 (fractions allowed), in the input's unit. */
function positiveNumberInput(name: string, fallback: number, unit: string): number {
  const raw = core.getInput(name).trim()
  if (raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    throw new UserError(
      `input "${name}" must be a number of ${unit} above 0, not "${raw}"; fix it in the workflow's "with:" block`
    )
  }
  return value
}

export function readInputs(): ActionInputs {
  const githubToken = core.getInput('github-token')
  const modelsToken = core.getInput('models-token') || githubToken
  for (const secret of new Set([githubToken, modelsToken])) if (secret) core.setSecret(secret)
  return {
    configPath: core.getInput('config') || '.github/promptgate.yml',
    githubToken,
    modelsToken,
    modelsEndpoint: (core.getInput('models-endpoint') || 'https://models.github.ai/inference').replace(
      /\/+$/,
      ''
    ),
    overrideLabel: core.getInput('override-label') || 'promptgate:accept',
    comment: booleanInput('comment', true),
    failOnRegression: booleanInput('fail-on-regression', true),
    reportPath: core.getInput('report-path') || 'promptgate-report.json',
    checkName: core.getInput('check-name').trim(),
    uploadReport: booleanInput('upload-report', false),
    cache: booleanInput('cache', true),
    // Deprecated and ignored (main.ts warns): the cache lives under RUNNER_TEMP.
    cachePath: core.getInput('cache-path').trim(),
    trustedProviders: trustedProvidersInput(),
    maxCalls: countInput('max-calls'),
    mode: modeInput(),
    requestTimeoutMs: Math.round(1000 * positiveNumberInput('request-timeout', 60, 'seconds')),
    deadlineMs: Math.round(60_000 * positiveNumberInput('deadline', 60, 'minutes')),
    registry: booleanInput('registry', false),
    registryBranch: core.getInput('registry-branch').trim() || 'promptgate/registry',
    command: commandInputs(),
    deployments: booleanInput('deployments', false)
  }
}

const fixIt = `fix it in the workflow's "with:" block`

function commandInputs(): RegistryCommandInputs | undefined {
  const command = core.getInput('command').trim().toLowerCase()
  if (command === '') return undefined
  if (!(registryCommands as readonly string[]).includes(command)) {
    throw new UserError(
      `input "command" must be promote, canary, rollback, pause, resume or abort, not "${command}"; ${fixIt}`
    )
  }
  const prompt = core.getInput('prompt').trim()
  if (prompt === '')
    throw new UserError(
      `input "command" ${command} needs the input "prompt" (a prompt's repository path); ${fixIt}`
    )
  const rawVersion = core.getInput('version').trim()
  const version = rawVersion === '' ? undefined : Number(rawVersion.replace(/^v/i, ''))
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    throw new UserError(
      `input "version" must be a version number such as 3 or v3, not "${rawVersion}"; ${fixIt}`
    )
  }
  const rawPercent = core.getInput('percent').trim().replace(/%$/, '')
  const percent = rawPercent === '' ? undefined : Number(rawPercent)
  if (percent !== undefined && (!Number.isFinite(percent) || percent < 0 || percent > 100)) {
    throw new UserError(`input "percent" must be a number from 0 to 100, not "${rawPercent}"; ${fixIt}`)
  }
  if (command === 'canary' && percent === undefined) {
    throw new UserError(`input "command" canary needs the input "percent" (0 to 100); ${fixIt}`)
  }
  return {
    command: command as RegistryCommandInputs['command'],
    prompt,
    ...(version !== undefined ? { version } : {}),
    ...(percent !== undefined ? { percent } : {})
  }
}

function trustedProvidersInput(): 'auto' | 'base' {
  const raw = core.getInput('trusted-providers').trim().toLowerCase()
  if (raw === '' || raw === 'auto') return 'auto'
  if (raw === 'base') return 'base'
  throw new UserError(
    `input "trusted-providers" must be "auto" or "base", not "${raw}"; fix it in the workflow's "with:" block`
  )
}
