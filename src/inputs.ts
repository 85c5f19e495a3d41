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
  /** Each model request's limit, from `request-timeout` (seconds). */
  requestTimeoutMs: number
  /** The whole evaluation's limit, from `deadline` (minutes). */
  deadlineMs: number
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
    cachePath: core.getInput('cache-path') || '.promptgate/cache',
    requestTimeoutMs: Math.round(1000 * positiveNumberInput('request-timeout', 60, 'seconds')),
    deadlineMs: Math.round(60_000 * positiveNumberInput('deadline', 60, 'minutes'))
  }
}
