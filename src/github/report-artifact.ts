import { Readable } from 'node:stream'
import { UserError } from '../errors.js'
import type { Octokit } from './octokit.js'

/** The artifact `upload-report: true` uploads and `mode: publish` downloads. */
export const REPORT_ARTIFACT_NAME = 'promptgate-report'

export interface ArtifactLimits {
  /** The zip as stored and as downloaded. */
  archiveBytes: number
  /** Everything the zip holds, once inflated: a zip bomb stops here. */
  extractedBytes: number
}

/** A report of thousands of cases is a few hundred KB of zip; nothing honest comes near these. */
export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = {
  archiveBytes: 5 * 1024 * 1024,
  extractedBytes: 10 * 1024 * 1024
}

const DOWNLOAD_TIMEOUT_MS = 60_000

export interface WorkflowRunRef {
  owner: string
  repo: string
  runId: number
}

export interface DownloadedReport {
  artifactId: number
  /** The report's file name inside the artifact. */
  file: string
  text: string
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

function tooLarge(what: string, limit: number): UserError {
  return new UserError(
    `The "${REPORT_ARTIFACT_NAME}" artifact is refused: ${what} is over the ${megabytes(limit)} limit. ` +
      `A promptgate report is far smaller; this artifact was not written by promptgate's evaluation run.`
  )
}

async function findArtifact(octokit: Octokit, run: WorkflowRunRef) {
  const artifacts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner: run.owner,
    repo: run.repo,
    run_id: run.runId,
    name: REPORT_ARTIFACT_NAME,
    per_page: 100
  })
  const artifact = artifacts.find(candidate => candidate.name === REPORT_ARTIFACT_NAME && !candidate.expired)
  if (!artifact) {
    throw new UserError(
      `The evaluation run ${run.runId} uploaded no "${REPORT_ARTIFACT_NAME}" artifact (or it expired). ` +
        `Give its promptgate step "upload-report: true"; a run that failed before its report was written has nothing to publish.`
    )
  }
  return artifact
}

/** Reads a response body, refusing it as soon as it grows past `limit`. */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = body.getReader()
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value
    total += chunk.byteLength
    if (total > limit) {
      await reader.cancel()
      throw tooLarge('the downloaded zip', limit)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * GitHub answers the download with a redirect to a short-lived storage URL. The redirect is followed
 * here, without the token: only GitHub's API ever sees it.
 */
async function downloadZip(octokit: Octokit, run: WorkflowRunRef, artifactId: number, limit: number) {
  const response = await octokit.request(
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    {
      owner: run.owner,
      repo: run.repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      request: { redirect: 'manual' }
    }
  )
  const location = (response.headers as Record<string, string | undefined>).location
  if (!location) {
    const data = response.data as unknown
    if (data instanceof ArrayBuffer) {
      if (data.byteLength > limit) throw tooLarge('the downloaded zip', limit)
      return Buffer.from(data)
    }
    throw new Error(`GitHub answered the artifact download with ${response.status} and no archive`)
  }
  const download = await fetch(location, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) })
  if (!download.ok || !download.body) {
    throw new Error(`downloading the artifact's zip answered ${download.status} ${download.statusText}`)
  }
  const declared = Number(download.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge('the downloaded zip', limit)
  return readLimited(download.body, limit)
}

/** The one file of the zip, inflated at most `limit` bytes in all. */
async function extractOneFile(zip: Buffer, limit: number): Promise<{ file: string; text: string }> {
  const { Parse } = await import('unzip-stream')
  return new Promise((resolve, reject) => {
    const files: { path: string; chunks: Buffer[] }[] = []
    const reading: Promise<void>[] = []
    let total = 0
    let failed = false
    const parser = Parse()
    const source = Readable.from([zip])
    const fail = (error: unknown) => {
      if (failed) return
      failed = true
      source.unpipe(parser)
      parser.destroy()
      reject(
        error instanceof UserError
          ? error
          : new UserError(
              `The "${REPORT_ARTIFACT_NAME}" artifact is not a readable zip (${error instanceof Error ? error.message : String(error)}).`
            )
      )
    }
    parser.on('entry', entry => {
      if (entry.type !== 'File') return entry.autodrain()
      const file = { path: entry.path, chunks: [] as Buffer[] }
      files.push(file)
      reading.push(
        new Promise<void>(done => {
          entry.on('data', (chunk: Buffer) => {
            total += chunk.byteLength
            if (total > limit) fail(tooLarge('its extracted content', limit))
            else file.chunks.push(chunk)
          })
          entry.on('end', done)
          entry.on('error', fail)
        })
      )
    })
    parser.on('error', fail)
    parser.on('close', () => {
      void Promise.all(reading).then(() => {
        if (failed) return
        const [only, ...others] = files
        if (!only || others.length > 0) {
          fail(
            new UserError(
              `The "${REPORT_ARTIFACT_NAME}" artifact must hold exactly one file, the JSON report; it holds ${files.length}.`
            )
          )
          return
        }
        resolve({ file: only.path, text: Buffer.concat(only.chunks).toString('utf8') })
      })
    })
    source.pipe(parser)
  })
}

/**
 * The report a workflow run uploaded, fetched with the token of the run that reads it. Every size is
 * checked before the next step spends anything on it: the listed size, the download, the inflated bytes.
 */
export async function downloadReportArtifact(
  octokit: Octokit,
  run: WorkflowRunRef,
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS
): Promise<DownloadedReport> {
  const artifact = await findArtifact(octokit, run)
  if (artifact.size_in_bytes > limits.archiveBytes) {
    throw tooLarge(`its size (${megabytes(artifact.size_in_bytes)})`, limits.archiveBytes)
  }
  const zip = await downloadZip(octokit, run, artifact.id, limits.archiveBytes)
  const { file, text } = await extractOneFile(zip, limits.extractedBytes)
  return { artifactId: artifact.id, file, text }
}
