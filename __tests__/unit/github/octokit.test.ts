import { afterEach, describe, expect, it } from '@jest/globals'
import { createOctokit, type CreateOctokitOptions, type OctokitLog } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeFault, type FakeGitHub } from '../../helpers/fake-github.js'

const labelsPath = '/repos/Codertocat/Hello-World/issues/2/labels'

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

function recordingLog(): OctokitLog & { lines: string[] } {
  const lines: string[] = []
  const keep = (message: string) => void lines.push(message)
  return { lines, debug: keep, info: keep, warn: keep, error: keep }
}

async function labelsWithFaults(faults: FakeFault[], options: CreateOctokitOptions = {}) {
  github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: [],
    contents: {},
    labels: ['bug'],
    token: 'ghs_test',
    faults
  })
  const log = recordingLog()
  const octokit = createOctokit('ghs_test', { baseUrl: github.url, retryDelayUnitMs: 1, log, ...options })
  const attempt = octokit.rest.issues
    .listLabelsOnIssue({ owner: 'Codertocat', repo: 'Hello-World', issue_number: 2 })
    .then(response => ({ status: response.status, names: response.data.map(label => label.name) }))
    .catch((error: { status?: number }) => ({ status: error.status, names: [] as string[] }))
  const outcome = await attempt
  return { ...outcome, attempts: github.requests.length, log: log.lines }
}

describe('createOctokit', () => {
  it('sends the token and reaches the given base URL', async () => {
    const outcome = await labelsWithFaults([])
    expect(outcome).toMatchObject({ status: 200, names: ['bug'], attempts: 1 })
    expect(github?.requests[0]?.headers.authorization).toBe('token ghs_test')
  })

  it('retries a 500 once and succeeds', async () => {
    const outcome = await labelsWithFaults([{ path: labelsPath, status: 500 }])
    expect(outcome).toMatchObject({ status: 200, names: ['bug'], attempts: 2 })
  })

  it('gives up on server errors after the configured retries', async () => {
    const outcome = await labelsWithFaults([{ path: labelsPath, status: 502, times: 10 }], { retries: 2 })
    expect(outcome).toMatchObject({ status: 502, attempts: 3 })
  })

  it('does not retry a 404', async () => {
    const outcome = await labelsWithFaults([{ path: labelsPath, status: 404, message: 'Not Found' }])
    expect(outcome).toMatchObject({ status: 404, attempts: 1 })
  })

  it('waits out a primary rate limit, with a debug line', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1)
    const outcome = await labelsWithFaults([
      {
        path: labelsPath,
        status: 403,
        message: 'API rate limit exceeded for installation ID 1.',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
      }
    ])
    expect(outcome).toMatchObject({ status: 200, attempts: 2 })
    expect(outcome.log.join('\n')).toMatch(/rate limit on GET .*labels.*retry 1 of 3/)
  })

  it('waits out a secondary rate limit as long as retry-after says', async () => {
    const outcome = await labelsWithFaults([
      {
        path: labelsPath,
        status: 403,
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        headers: { 'retry-after': '2' }
      }
    ])
    expect(outcome).toMatchObject({ status: 200, attempts: 2 })
    expect(outcome.log.join('\n')).toMatch(/secondary rate limit on GET .*in 2s/)
  })

  it('stops retrying a rate limit after the configured retries', async () => {
    const outcome = await labelsWithFaults(
      [
        {
          path: labelsPath,
          status: 429,
          message: 'secondary rate limit',
          headers: { 'retry-after': '1' },
          times: 10
        }
      ],
      { retries: 2 }
    )
    expect(outcome).toMatchObject({ status: 429, attempts: 3 })
    expect(outcome.log.join('\n')).toMatch(/giving up after 2 retries/)
  })

  it('does not sit through a rate limit that resets too far away', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600)
    const outcome = await labelsWithFaults([
      {
        path: labelsPath,
        status: 403,
        message: 'API rate limit exceeded',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
      }
    ])
    expect(outcome).toMatchObject({ status: 403, attempts: 1 })
  })
})
