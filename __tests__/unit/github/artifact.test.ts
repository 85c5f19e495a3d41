import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uploadReportArtifact, type ArtifactUploader } from '../../../src/github/artifact.js'

const RUNTIME = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'Codertocat/Hello-World',
  GITHUB_RUN_ID: '4242'
}

let dir: string
let report: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptgate-artifact-'))
  mkdirSync(join(dir, 'out'))
  report = join(dir, 'out', 'promptgate-report.json')
  writeFileSync(report, '{"schemaVersion":1}')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function fakeClient(answer: () => Promise<{ id?: number; size?: number }>) {
  const uploadArtifact = jest.fn<ArtifactUploader['uploadArtifact']>(answer)
  return { client: { uploadArtifact }, uploadArtifact }
}

describe('uploadReportArtifact', () => {
  it('uploads the one file from its own directory and links the artifact', async () => {
    const { client, uploadArtifact } = fakeClient(async () => ({ id: 77, size: 19 }))
    const result = await uploadReportArtifact(report, 'promptgate-report', {
      client,
      env: RUNTIME,
      retentionDays: 7
    })
    expect(result).toEqual({
      status: 'uploaded',
      id: 77,
      size: 19,
      url: 'https://github.com/Codertocat/Hello-World/actions/runs/4242/artifacts/77'
    })
    expect(uploadArtifact.mock.calls).toEqual([
      ['promptgate-report', [report], join(dir, 'out'), { retentionDays: 7 }]
    ])
  })

  it.each([['ACTIONS_RUNTIME_TOKEN'], ['ACTIONS_RESULTS_URL']])(
    'is unavailable, and makes no client, without %s',
    async variable => {
      const make = jest.fn(() => fakeClient(async () => ({ id: 1 })).client)
      const result = await uploadReportArtifact(report, 'promptgate-report', {
        client: make,
        env: { ...RUNTIME, [variable]: '' }
      })
      expect(result.status).toBe('unavailable')
      expect(result.status === 'unavailable' && result.message).toContain(`${variable} is not set`)
      expect(result.status === 'unavailable' && result.message).toContain(report)
      expect(make).not.toHaveBeenCalled()
    }
  )

  it('names both variables when neither is set (a local run)', async () => {
    const result = await uploadReportArtifact(report, 'r', {
      client: fakeClient(async () => ({})).client,
      env: {}
    })
    expect(result).toMatchObject({
      status: 'unavailable',
      message: expect.stringContaining('ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set')
    })
  })

  it('turns a failed upload into a result instead of a throw', async () => {
    const { client } = fakeClient(async () => {
      throw new Error('Failed to CreateArtifact: (409) Conflict: an artifact with this name already exists')
    })
    const result = await uploadReportArtifact(report, 'promptgate-report', { client, env: RUNTIME })
    expect(result.status).toBe('failed')
    expect(result.status === 'failed' && result.message).toMatch(
      /409\) Conflict.*still at .*in the job summary/
    )
  })

  it('fails when the client cannot be made', async () => {
    const result = await uploadReportArtifact(report, 'promptgate-report', {
      client: () => {
        throw new Error('no artifact client')
      },
      env: RUNTIME
    })
    expect(result).toMatchObject({ status: 'failed', message: expect.stringContaining('no artifact client') })
  })

  it('does not call the service for a missing report or a name it would refuse', async () => {
    const { client, uploadArtifact } = fakeClient(async () => ({ id: 1 }))
    const missing = await uploadReportArtifact(join(dir, 'nope.json'), 'promptgate-report', {
      client,
      env: RUNTIME
    })
    expect(missing).toMatchObject({ status: 'failed', message: expect.stringContaining('nope.json') })
    const badName = await uploadReportArtifact(report, 'reports/promptgate', { client, env: RUNTIME })
    expect(badName).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('not a valid artifact name')
    })
    expect(uploadArtifact).not.toHaveBeenCalled()
  })

  it('fails when the service returns no id, and leaves the url out without the run variables', async () => {
    const noId = await uploadReportArtifact(report, 'r', {
      client: fakeClient(async () => ({})).client,
      env: RUNTIME
    })
    expect(noId.status).toBe('failed')
    const bare = await uploadReportArtifact(report, 'r', {
      client: fakeClient(async () => ({ id: 5 })).client,
      env: { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'u' }
    })
    expect(bare).toEqual({ status: 'uploaded', id: 5 })
  })
})
