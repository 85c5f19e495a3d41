import { afterEach, describe, expect, it } from '@jest/globals'
import {
  maxPromptArgumentLength,
  parseCommandLine,
  readCommentCommand,
  replyToComment
} from '../../../src/github/comment-command.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { issueCommentPayload } from '../../helpers/payloads.js'

describe('the /promptgate command line', () => {
  it.each([
    [
      '/promptgate promote prompts/triage.prompt.yml',
      { command: 'promote', prompt: 'prompts/triage.prompt.yml' }
    ],
    ['/promptgate promote triage v3', { command: 'promote', prompt: 'triage', version: 3 }],
    ['/promptgate canary triage 5%', { command: 'canary', prompt: 'triage', percent: 5 }],
    ['/promptgate canary triage v4 25%', { command: 'canary', prompt: 'triage', version: 4, percent: 25 }],
    ['/promptgate canary triage 100% v4', { command: 'canary', prompt: 'triage', version: 4, percent: 100 }],
    ['/promptgate canary triage 0%', { command: 'canary', prompt: 'triage', percent: 0 }],
    ['/promptgate rollback triage', { command: 'rollback', prompt: 'triage' }],
    ['/promptgate rollback triage v2', { command: 'rollback', prompt: 'triage', version: 2 }],
    ['/promptgate pause triage', { command: 'pause', prompt: 'triage' }],
    ['/promptgate resume triage', { command: 'resume', prompt: 'triage' }],
    ['/promptgate abort prompts/triage.prompt.yml', { command: 'abort', prompt: 'prompts/triage.prompt.yml' }],
    [
      '  /promptgate \t promote   triage  \nignored: /promptgate canary x 100%',
      { command: 'promote', prompt: 'triage' }
    ],
    ['/promptgate promote a_b-c.d/e.yml\r\n@everyone', { command: 'promote', prompt: 'a_b-c.d/e.yml' }]
  ])('%j is %j', (body, parsed) => {
    expect(parseCommandLine(body)).toEqual({ status: 'parsed', parsed })
  })

  it.each([
    'LGTM',
    '',
    '/promptgateway promote triage',
    '/PROMPTGATE promote triage',
    'please /promptgate promote triage',
    'Looks good.\n/promptgate promote triage',
    '> /promptgate promote triage'
  ])('%j is not for us', body => {
    expect(parseCommandLine(body)).toBeUndefined()
  })

  it.each([
    ['/promptgate', /command is missing/],
    ['/promptgate deploy triage', /not a promptgate command/],
    ['/promptgate promote', /needs a prompt/],
    ['/promptgate promote ../../etc/passwd', /repository path or name/],
    ['/promptgate promote prompts/./x', /repository path or name/],
    ['/promptgate promote /etc/passwd', /repository path or name/],
    ['/promptgate promote a//b', /repository path or name/],
    ['/promptgate promote @octocat', /repository path or name/],
    ['/promptgate promote <img/src=x/onerror=alert(1)>', /repository path or name/],
    ['/promptgate promote tri\u0000age', /repository path or name/],
    ['/promptgate promote tri\u202Eage', /repository path or name/],
    ['/promptgate promote tri\u200Bage', /repository path or name/],
    ['/promptgate promote $(rm -rf /)', /repository path or name/],
    [`/promptgate promote ${'x'.repeat(maxPromptArgumentLength + 1)}`, /at most 200 characters/],
    ['/promptgate promote triage v0', /Only a version/],
    ['/promptgate promote triage v1234567', /Only a version/],
    ['/promptgate promote triage v2 v3', /Only a version/],
    ['/promptgate promote triage please', /Only a version/],
    ['/promptgate canary triage 101%', /Only a version/],
    ['/promptgate canary triage -5%', /Only a version/],
    ['/promptgate canary triage 5.5%', /Only a version/],
    ['/promptgate canary triage 5% 6%', /Only a version/],
    ['/promptgate canary triage', /needs a percentage/],
    ['/promptgate promote triage 5%', /takes no percentage/],
    ['/promptgate pause triage v2', /takes no version/],
    ['/promptgate abort triage v2', /`abort` takes no version/],
    ['/promptgate resume triage 5%', /`resume` takes no percentage/]
  ])('%j is refused: %s', (body, reason) => {
    const line = parseCommandLine(body)
    expect(line).toMatchObject({ status: 'invalid', reason: expect.stringMatching(reason) })
    expect(line).toMatchObject({ reason: expect.stringContaining('Usage: `/promptgate') })
  })
})

describe('an issue_comment command', () => {
  let github: FakeGitHub | undefined
  afterEach(async () => {
    await github?.close()
    github = undefined
  })

  async function read(payload: unknown, options: Partial<FakeGitHubOptions> = {}) {
    github = await startFakeGitHub({
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 1,
      files: [],
      contents: {},
      labels: [],
      permissions: { wanda: 'write', mia: 'maintain', ada: 'admin', tom: 'triage', rita: 'read' },
      ...options
    })
    const octokit = createOctokit('ghs_comment', { baseUrl: github.url, retries: 0, throttle: false })
    return { octokit, outcome: await readCommentCommand(octokit, payload) }
  }

  const permissionChecks = () =>
    github!.requests.filter(request => request.route?.endsWith('/permission')).map(request => request.path)

  it.each(['wanda', 'mia', 'ada'])('is allowed for %s (write, maintain, admin)', async login => {
    const { outcome } = await read(issueCommentPayload('/promptgate canary triage v4 5%\nthanks', { login }))
    expect(outcome).toEqual({
      status: 'allowed',
      command: 'canary',
      prompt: 'triage',
      version: 4,
      percent: 5,
      actor: login,
      target: { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 1 }
    })
    expect(permissionChecks()).toEqual([`/repos/Codertocat/Hello-World/collaborators/${login}/permission`])
  })

  it.each([
    ['tom', /tom has the triage role/],
    ['rita', /rita has the read role/]
  ])('is refused for %s', async (login, reason) => {
    const { outcome } = await read(issueCommentPayload('/promptgate promote triage', { login }))
    expect(outcome).toMatchObject({ status: 'refused', actor: login, reason: expect.stringMatching(reason) })
    expect((outcome as { reason: string }).reason).toMatch(/takes write, maintain or admin/)
  })

  it('is refused for someone GitHub does not know as a collaborator (404)', async () => {
    const path = '/repos/Codertocat/Hello-World/collaborators/stranger/permission'
    const { outcome } = await read(issueCommentPayload('/promptgate promote triage', { login: 'stranger' }), {
      faults: [{ method: 'GET', path, status: 404, message: 'Not Found' }]
    })
    expect(outcome).toMatchObject({ status: 'refused', reason: expect.stringMatching(/not a collaborator/) })
  })

  it('is refused, not allowed, when the permission cannot be checked', async () => {
    const { outcome } = await read(issueCommentPayload('/promptgate promote triage', { login: 'ada' }), {
      faults: [{ method: 'GET', status: 500 }]
    })
    expect(outcome).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/could not be checked.*500/)
    })
  })

  it('refuses a malformed command with the usage', async () => {
    const { outcome } = await read(issueCommentPayload('/promptgate promote ../secrets', { login: 'ada' }))
    expect(outcome).toMatchObject({ status: 'refused', reason: expect.stringMatching(/Usage/) })
  })

  it.each([
    ['an ordinary comment', issueCommentPayload('Nice work', { login: 'ada' })],
    ['an edited comment', issueCommentPayload('/promptgate promote triage', { login: 'ada' }, 'edited')],
    ['a deleted comment', issueCommentPayload('/promptgate promote triage', { login: 'ada' }, 'deleted')],
    ["a bot's comment", issueCommentPayload('/promptgate promote triage', { login: 'ci[bot]', type: 'Bot' })],
    ['a payload that is not a comment', { action: 'created', issue: { number: 1 } }],
    ['nothing', null]
  ])('ignores %s without asking GitHub anything', async (_name, payload) => {
    const { outcome } = await read(payload)
    expect(outcome).toBeUndefined()
    expect(github!.requests).toEqual([])
  })
})

describe('the reply', () => {
  let github: FakeGitHub | undefined
  afterEach(async () => {
    await github?.close()
    github = undefined
  })

  it('is posted on the issue, and pings nobody and carries no HTML whatever it quotes', async () => {
    github = await startFakeGitHub({ owner: 'o', repo: 'r', number: 9, files: [], contents: {}, labels: [] })
    const octokit = createOctokit('ghs_reply', { baseUrl: github.url, retries: 0, throttle: false })
    const quoted = '@octocat @org/team <img src=x onerror=alert(1)> <!-- hidden --> &amp;'
    await replyToComment(octokit, { owner: 'o', repo: 'r', issueNumber: 9 }, `Nothing moved: ${quoted}\u202E`)
    expect(github.state.comments).toHaveLength(1)
    const body = github.state.comments[0]!.body
    expect(body).not.toMatch(/@[A-Za-z]/)
    expect(body).not.toMatch(/</)
    expect(body).toContain('&lt;img src=x')
    expect(body).toContain('&amp;amp;')
    expect(body).not.toContain('\u202E')
    expect(body.startsWith('Nothing moved: @\u200Doctocat')).toBe(true)
  })

  it('stays within the longest comment GitHub accepts', async () => {
    github = await startFakeGitHub({ owner: 'o', repo: 'r', number: 9, files: [], contents: {}, labels: [] })
    const octokit = createOctokit('ghs_reply', { baseUrl: github.url, retries: 0, throttle: false })
    await replyToComment(octokit, { owner: 'o', repo: 'r', issueNumber: 9 }, '<'.repeat(70_000))
    expect(github.state.comments[0]!.body.length).toBeLessThanOrEqual(65_536)
  })
})
