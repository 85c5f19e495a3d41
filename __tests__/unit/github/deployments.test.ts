import { afterEach, describe, expect, it } from '@jest/globals'
import {
  describeMove,
  environmentFor,
  mirrorChannelMove,
  type ChannelMove
} from '../../../src/github/deployments.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { sha } from './fixtures.js'

const digest = `sha256:abcd1234${'e'.repeat(56)}`
let github: FakeGitHub | undefined

afterEach(async () => {
  await github?.close()
  github = undefined
})

async function mirror(move: Partial<ChannelMove> = {}, options: Partial<FakeGitHubOptions> = {}) {
  const fake = await startFakeGitHub({
    owner: 'octo-org',
    repo: 'prompts',
    number: 1,
    files: [],
    contents: { [sha.base]: {} },
    labels: [],
    base: { ref: 'main', sha: sha.base },
    ...options
  })
  github = fake
  const octokit = createOctokit('ghs_deploy', { baseUrl: fake.url, retries: 0, throttle: false })
  return mirrorChannelMove(octokit, {
    owner: 'octo-org',
    repo: 'prompts',
    prompt: 'prompts/triage.prompt.yml',
    promptName: 'triage',
    channel: 'stable',
    to: { version: 3, digest },
    registrySha: sha.base,
    ...move
  })
}

describe('mirroring a channel move as a GitHub Deployment', () => {
  it('deploys a stable move to prompt/<name> as production, with a success status', async () => {
    const outcome = await mirror({ logUrl: 'https://github.com/octo-org/prompts/actions/runs/1' })
    expect(outcome).toEqual({
      status: 'mirrored',
      deploymentId: github!.state.deployments[0]?.id,
      environment: 'prompt/triage'
    })
    expect(github!.state.deployments).toHaveLength(1)
    expect(github!.state.deployments[0]).toMatchObject({
      ref: sha.base,
      sha: sha.base,
      environment: 'prompt/triage',
      description: 'v3 (sha256:abcd1234) to stable',
      payload: { prompt: 'prompts/triage.prompt.yml', channel: 'stable', version: 3, digest },
      production_environment: true,
      auto_merge: false,
      required_contexts: []
    })
    expect(github!.state.deployments[0]?.statuses).toEqual([
      expect.objectContaining({
        state: 'success',
        environment: 'prompt/triage',
        log_url: 'https://github.com/octo-org/prompts/actions/runs/1'
      })
    ])
  })

  it('deploys a canary to prompt/<name>/canary with its percent, not as production', async () => {
    await mirror({ channel: 'canary', to: { version: 4, digest, percent: 5 } })
    expect(github!.state.deployments[0]).toMatchObject({
      environment: 'prompt/triage/canary',
      description: 'v4 (sha256:abcd1234) to canary at 5%',
      payload: { channel: 'canary', version: 4, digest, percent: 5 },
      production_environment: false
    })
    expect(github!.state.deployments[0]?.statuses.map(status => status.state)).toEqual(['success'])
  })

  it('marks a cleared canary inactive', async () => {
    await mirror({ channel: 'canary', to: null })
    expect(github!.state.deployments[0]).toMatchObject({
      description: 'canary cleared',
      payload: { channel: 'canary', version: null, digest: null }
    })
    expect(github!.state.deployments[0]?.statuses.map(status => status.state)).toEqual(['inactive'])
  })

  it('returns a warning naming deployments: write when the token may not deploy', async () => {
    const outcome = await mirror({}, { readOnly: true })
    expect(outcome.status).toBe('failed')
    const warning = (outcome as { warning: string }).warning
    expect(warning).toMatch(/stable move of prompts\/triage\.prompt\.yml is done/)
    expect(warning).toMatch(/403: Resource not accessible by integration/)
    expect(warning).toMatch(/permissions: deployments: write/)
    expect(github!.state.deployments).toEqual([])
  })

  it('returns, never throws, on a server error or a ref GitHub does not know', async () => {
    const broken = await mirror({}, { faults: [{ method: 'POST', status: 502 }] })
    expect(broken).toMatchObject({ status: 'failed', warning: expect.stringMatching(/502/) })
    await github?.close()
    const unknown = await mirror({ registrySha: 'f'.repeat(40) })
    expect(unknown).toMatchObject({ status: 'failed', warning: expect.stringMatching(/422: No ref found/) })
  })
})

describe('deployment names and descriptions', () => {
  it('keeps environment names free of control characters, commas and over-long names', () => {
    expect(environmentFor('tri\u0007age,x', 'stable')).toBe('prompt/triagex')
    expect(environmentFor('   ', 'stable')).toBe('prompt/prompt')
    const long = environmentFor('n'.repeat(400), 'canary')
    expect(long).toHaveLength(255)
    expect(long.endsWith('/canary')).toBe(true)
  })

  it('shortens the digest and stays within 140 characters', () => {
    expect(describeMove('stable', { version: 12, digest })).toBe('v12 (sha256:abcd1234) to stable')
    expect(describeMove('canary', { version: 1, digest: 'odd', percent: 0 })).toBe('v1 (odd) to canary at 0%')
    expect(describeMove('stable', { version: 1, digest: 'x'.repeat(300) }).length).toBe(140)
  })
})
