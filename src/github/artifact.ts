import { stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'

/**
 * The slice of `@actions/artifact`'s `DefaultArtifactClient` this module uses. It is passed in rather
 * than imported so the engine and its tests do not depend on the package (the README explains the upload-report input).
 */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number }
  ): Promise<{ id?: number; size?: number }>
}

export type ArtifactResult =
  | { status: 'uploaded'; id: number; size?: number; url?: string }
  /** Nothing to upload to (no Actions runtime); worth a notice, never a failure. */
  | { status: 'unavailable'; message: string }
  /** The upload was tried and failed; worth a warning: the report is still in the job summary. */
  | { status: 'failed'; message: string }

export interface UploadReportOptions {
  /** The client, or how to make it once the runtime is known to be there. */
  client: ArtifactUploader | (() => ArtifactUploader | Promise<ArtifactUploader>)
  env?: Record<string, string | undefined>
  retentionDays?: number
}

/** The runner gives these to JavaScript actions; a container step, `act` or a local run lacks them. */
export const RUNTIME_VARIABLES = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'] as const

/** Characters the artifact service refuses in a name. */
const FORBIDDEN_NAME = /["':<>|*?\r\n\\/]/

function artifactUrl(env: Record<string, string | undefined>, id: number): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  if (!server || !repository || !runId) return undefined
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Uploads the JSON report at `path` as the workflow artifact `name`; never throws. */
export async function uploadReportArtifact(
  path: string,
  name: string,
  options: UploadReportOptions
): Promise<ArtifactResult> {
  const env = options.env ?? process.env
  const missing = RUNTIME_VARIABLES.filter(variable => !env[variable])
  if (missing.length > 0) {
    return {
      status: 'unavailable',
      message:
        `The JSON report was not uploaded as an artifact: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. ` +
        `The runner sets them for JavaScript actions; a container job, act or a local run has none. The report is at ${path}.`
    }
  }
  if (name.trim() === '' || FORBIDDEN_NAME.test(name)) {
    return {
      status: 'failed',
      message: `"${name}" is not a valid artifact name: it must not be empty or hold " ' : < > | * ? \\ / or a line break.`
    }
  }
  try {
    const file = await stat(path)
    if (!file.isFile()) throw new Error(`${path} is not a file`)
    const client = typeof options.client === 'function' ? await options.client() : options.client
    const retention = options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }
    const { id, size } = await client.uploadArtifact(name, [path], dirname(path), retention)
    if (id === undefined) throw new Error(`the artifact service returned no id for ${basename(path)}`)
    const url = artifactUrl(env, id)
    return { status: 'uploaded', id, ...(size === undefined ? {} : { size }), ...(url ? { url } : {}) }
  } catch (error) {
    return {
      status: 'failed',
      message: `Could not upload the JSON report as the artifact "${name}" (${messageOf(error)}); it is still at ${path} and in the job summary.`
    }
  }
}
