import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { eventPayload, issueCommentPayload, pullRequestPayload } from '../helpers/payloads.js'
import {
  branchEvents,
  branchSnapshot,
  expectPassed,
  labelByKeyword,
  pushPayload,
  triagePrompt
} from '../helpers/registry-branch.js'
import { closeWorlds, startWorld, type World, type WorldOptions } from '../helpers/world.js'
import type { FakeRole } from '../helpers/fake-github.js'

afterEach(closeWorlds)
// Each test spawns the bundled action a few times; a registration writes through throttled Git Database calls.
jest.setTimeout(120_000)

const TOKEN = 'ghs_registryActionToken'
const PROMPT = 'prompts/triage.prompt.yml'
const BRANCH = 'promptgate/registry'

const promptFile = (instruction: string) => triagePrompt(instruction)
const V1 = promptFile('Label the issue bug or feature.')
const V2 = promptFile('Label the issue bug or feature, and be brief.')

const respond = labelByKeyword

function world(options: Partial<WorldOptions> = {}): Promise<World> {
  return startWorld(
    { [PROMPT]: V1, 'README.md': 'x' },
    { [PROMPT]: V2, 'README.md': 'x' },
    { token: TOKEN, respond, gitDatabase: true, ...options }
  )
}

function git(w: World, ...args: string[]): string {
  return execFileSync('git', args, { cwd: w.repo.dir, encoding: 'utf8' }).trim()
}

function hasBranch(w: World): boolean {
  try {
    git(w, 'rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`)
    return true
  } catch {
    return false
  }
}

const push = pushPayload
const snapshot = (w: World) => branchSnapshot(w.repo.dir)
const events = (w: World): Record<string, unknown>[] => branchEvents(w.repo.dir)

/** What each request wrote to GitHub (anything but a read). */
const writes = (w: World) => w.github.requests.filter(request => request.method !== 'GET')

/** Registers V1 (a push creating the branch) then V2 (a push from base to head). */
async function registerTwo(w: World): Promise<void> {
  const first = await w.run({
    eventName: 'push',
    payload: push(undefined, w.repo.baseSha),
    inputs: { registry: 'true' }
  })
  expectPassed(first)
  const second = await w.run({
    eventName: 'push',
    payload: push(w.repo.baseSha, w.repo.headSha),
    inputs: { registry: 'true' }
  })
  expectPassed(second)
  expect(snapshot(w).prompts[PROMPT]?.channels).toMatchObject({
    stable: { version: 1 },
    latest: { version: 2 }
  })
}

describe('the action registers on a push to the default branch', () => {
  it('writes an orphan registry commit with the evaluated version through the Git Database routes', async () => {
    const w = await world()
    const run = await w.run({
      eventName: 'push',
      payload: push(w.repo.baseSha, w.repo.headSha),
      inputs: { registry: 'true' }
    })
    expect(run.stdout).toContain(`${PROMPT}: registered v1`)
    expectPassed(run)
    expect(w.github.unhandled()).toEqual([])

    const tip = git(w, 'rev-parse', `refs/heads/${BRANCH}`)
    expect(run.outputs['registry-commit']).toBe(tip)
    expect(git(w, 'rev-list', '--max-parents=0', tip)).toBe(tip)
    expect(() => git(w, 'merge-base', w.repo.headSha, tip)).toThrow()
    const files = git(w, 'ls-tree', '-r', '--name-only', tip).split('\n')
    const latest = snapshot(w).prompts[PROMPT]?.channels.latest
    expect(latest).toMatchObject({ version: 1 })
    expect(files.sort()).toEqual(
      [
        'events.ndjson',
        'flags.flagd.json',
        'snapshot.json',
        `versions/${latest?.digest.slice(7)}.json`
      ].sort()
    )
    const record = JSON.parse(git(w, 'show', `${tip}:versions/${latest?.digest.slice(7)}.json`))
    expect(record).toMatchObject({
      prompt: PROMPT,
      version: 1,
      digest: latest?.digest,
      commit: w.repo.headSha,
      eval: {
        metrics: { pass_rate: { value: 1, n: 3 } },
        baseline: { digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), deltas: { pass_rate: 0 } },
        improved: 0,
        regressed: 0,
        override: null
      }
    })
    expect(record.eval.baseline.digest).not.toBe(latest?.digest)
    expect(events(w)).toEqual([
      expect.objectContaining({
        type: 'version_registered',
        prompt: PROMPT,
        version: 1,
        commit: w.repo.headSha
      }),
      ...events(w).slice(1)
    ])
    const flags = JSON.parse(git(w, 'show', `${tip}:flags.flagd.json`))
    expect(flags.flags[PROMPT].defaultVariant).toBe(latest?.digest)

    // The same content again: nothing new.
    const again = await w.run({
      eventName: 'push',
      payload: push(w.repo.baseSha, w.repo.headSha),
      inputs: { registry: 'true' }
    })
    expectPassed(again)
    expect(again.stdout).toContain('is already latest')
    expect(git(w, 'rev-parse', `refs/heads/${BRANCH}`)).toBe(tip)
    expect(again.outputs['registry-commit']).toBeUndefined()
  })

  it('a push with no parent registers every prompt, with no baseline', async () => {
    const w = await world()
    const run = await w.run({
      eventName: 'push',
      payload: push(undefined, w.repo.baseSha),
      inputs: { registry: 'true' }
    })
    expectPassed(run)
    expect(w.github.unhandled()).toEqual([])
    const latest = snapshot(w).prompts[PROMPT]?.channels.latest
    const record = JSON.parse(git(w, 'show', `${BRANCH}:versions/${latest?.digest.slice(7)}.json`))
    expect(record).toMatchObject({ version: 1, commit: w.repo.baseSha, eval: { baseline: null } })
  })

  it('registers a regression merged through the override label with who accepted it', async () => {
    // V2's "be brief" makes the model answer nothing useful: every case regresses.
    const w = await world({
      labels: ['promptgate:accept'],
      respond: request =>
        (request.messages.find(message => message.role === 'system')?.content ?? '').includes('brief')
          ? 'ok'
          : respond(request)
    })
    const run = await w.run({
      eventName: 'push',
      payload: push(w.repo.baseSha, w.repo.headSha),
      inputs: { registry: 'true' }
    })
    expectPassed(run)
    const latest = snapshot(w).prompts[PROMPT]?.channels.latest
    const record = JSON.parse(git(w, 'show', `${BRANCH}:versions/${latest?.digest.slice(7)}.json`))
    expect(record.eval).toMatchObject({
      metrics: { pass_rate: { value: 0, n: 3 } },
      baseline: { deltas: { pass_rate: -1 } },
      regressed: 3,
      override: { label: 'promptgate:accept', actor: 'octocat' }
    })
    expect(w.github.unhandled()).toEqual([])
  })

  it('registers nothing and fails the step when the model calls fail', async () => {
    const w = await world({ respond: () => ({ status: 401 }) })
    const run = await w.run({
      eventName: 'push',
      payload: push(w.repo.baseSha, w.repo.headSha),
      inputs: { registry: 'true' }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout).toContain('nothing was registered')
    expect(hasBranch(w)).toBe(false)
    expect(w.github.requests.filter(request => request.path.includes('/git/'))).toEqual([])
  })
})

describe('workflow_dispatch runs a registry command', () => {
  const dispatch = (w: World, inputs: Record<string, string>, actor = 'ada') =>
    w.run({
      eventName: 'workflow_dispatch',
      // The example is another repository's; a dispatch names the repository the workflow runs in.
      payload: {
        ...(eventPayload('workflow_dispatch') as object),
        repository: pullRequestPayload('opened', '', '').repository
      },
      inputs,
      env: { GITHUB_ACTOR: actor }
    })

  it('canaries, promotes and rolls back, as GITHUB_ACTOR, mirrored as Deployments', async () => {
    const w = await world()
    await registerTwo(w)

    const canary = await dispatch(w, { command: 'canary', prompt: PROMPT, percent: '5', deployments: 'true' })
    expectPassed(canary)
    expect(snapshot(w).prompts[PROMPT]?.channels.canary).toMatchObject({ version: 2, percent: 5 })
    expect(canary.outputs['registry-commit']).toBe(git(w, 'rev-parse', `refs/heads/${BRANCH}`))

    const promote = await dispatch(w, { command: 'promote', prompt: 'Triage', deployments: 'true' })
    expectPassed(promote)
    expect(snapshot(w).prompts[PROMPT]?.channels).toMatchObject({ stable: { version: 2 } })
    expect(snapshot(w).prompts[PROMPT]?.channels.canary).toBeUndefined()

    const rollback = await dispatch(w, { command: 'rollback', prompt: PROMPT }, 'grace')
    expectPassed(rollback)
    expect(snapshot(w).prompts[PROMPT]?.channels).toMatchObject({ stable: { version: 1 } })

    const moves = events(w)
      .filter(event => event.type === 'channel_moved' && event.channel !== 'latest')
      .slice(1) // the first registration's stable
    expect(moves.map(event => [event.channel, event.actor])).toEqual([
      ['canary', 'ada'],
      ['stable', 'ada'],
      ['canary', 'ada'],
      ['stable', 'grace']
    ])
    expect(w.github.state.deployments.map(deployment => deployment.environment)).toEqual(
      expect.arrayContaining(['prompt/triage'])
    )
    expect(w.github.state.deployments.length).toBeGreaterThanOrEqual(2)
    expect(w.github.unhandled()).toEqual([])
  })

  it('refuses bad inputs with one clear error, writing nothing', async () => {
    const w = await world()
    await registerTwo(w)
    const tip = git(w, 'rev-parse', `refs/heads/${BRANCH}`)
    const before = writes(w).length
    for (const [inputs, message] of [
      [{ command: 'canary', prompt: PROMPT }, 'percent'],
      [{ command: 'promote', prompt: 'prompts/nope.prompt.yml' }, 'prompts/nope.prompt.yml'],
      [{ command: 'launch', prompt: PROMPT }, 'launch'],
      [{ command: 'promote', prompt: PROMPT, version: 'x' }, 'version'],
      [{ command: 'promote', prompt: PROMPT, version: '9' }, 'has no version 9']
    ] as const) {
      const run = await dispatch(w, inputs)
      const errors = run.annotations.filter(annotation => annotation.level === 'error')
      expect({ inputs, exitCode: run.exitCode, errors: errors.length }).toEqual({
        inputs,
        exitCode: 1,
        errors: 1
      })
      expect(errors[0]?.message).toContain(message)
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
    }
    expect(git(w, 'rev-parse', `refs/heads/${BRANCH}`)).toBe(tip)
    expect(writes(w).length).toBe(before)
  })
})

/** The example comment is on issue #1; the world's fake serves pull request #2, where this one goes. */
function onPullRequest<T extends { issue: { number: number } }>(payload: T): T {
  payload.issue.number = 2
  return payload
}

describe('an issue_comment /promptgate command', () => {
  const permissions: Record<string, FakeRole> = { writer: 'write', reader: 'read' }
  const comment = (w: World, body: string, login: string) =>
    w.run({ eventName: 'issue_comment', payload: onPullRequest(issueCommentPayload(body, { login })) })

  it('from a user with write permission moves stable and says so', async () => {
    const w = await world({ permissions })
    await registerTwo(w)
    const run = await comment(w, `/promptgate promote ${PROMPT} v2`, 'writer')
    expectPassed(run)
    expect(snapshot(w).prompts[PROMPT]?.channels.stable).toMatchObject({ version: 2 })
    expect(events(w).at(-1)).toMatchObject({ type: 'channel_moved', channel: 'stable', actor: 'writer' })
    const reply = w.github.state.comments.at(-1)
    expect(reply?.body).toContain('promote by writer')
    expect(reply?.body).toContain('v1 → v2')
    expect(w.github.unhandled()).toEqual([])
  })

  it('a reply GitHub refuses is a warning: the move it reports stands and the step passes', async () => {
    const w = await world({
      permissions,
      faults: [
        { method: 'POST', path: /\/issues\/2\/comments$/, status: 403, message: 'Forbidden', times: 10 }
      ]
    })
    await registerTwo(w)
    const run = await comment(w, `/promptgate promote ${PROMPT} v2`, 'writer')
    expectPassed(run)
    expect(snapshot(w).prompts[PROMPT]?.channels.stable).toMatchObject({ version: 2 })
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', message: expect.stringContaining('could not reply') })
    )
  })

  it('from a user with read permission moves nothing and the reply says why', async () => {
    const w = await world({ permissions })
    await registerTwo(w)
    const tip = git(w, 'rev-parse', `refs/heads/${BRANCH}`)
    const run = await comment(w, `/promptgate promote ${PROMPT} v2`, 'reader')
    expectPassed(run)
    expect(git(w, 'rev-parse', `refs/heads/${BRANCH}`)).toBe(tip)
    const reply = w.github.state.comments.at(-1)
    expect(reply?.body).toContain('did nothing')
    expect(reply?.body).toContain('read role')
    expect(reply?.body).toContain('write, maintain or admin')
  })

  it('a comment that is no command does nothing and writes nothing', async () => {
    const w = await world({ permissions })
    await registerTwo(w)
    const before = writes(w).length
    const run = await comment(w, 'Looks good to me, /promptgate promote later', 'writer')
    expectPassed(run)
    expect(writes(w).length).toBe(before)
  })

  it('a hostile comment never pings or injects in the reply', async () => {
    const w = await world({ permissions })
    await registerTwo(w)
    for (const body of [
      '/promptgate promote @org/team',
      '/promptgate promote <img/src=x> v2',
      '/promptgate canary prompts/@evil.prompt.yml 5%',
      `/promptgate launch ${PROMPT} @org/team <b>x</b>`
    ]) {
      const count = w.github.state.comments.length
      await comment(w, body, 'writer')
      const replies = w.github.state.comments.slice(count)
      expect({ body, replies: replies.length }).toEqual({ body, replies: 1 })
      const reply = replies[0]?.body ?? ''
      expect({ body, reply }).not.toEqual({ body, reply: expect.stringMatching(/@org\/team|@evil|<img|<b>/) })
    }
    expect(snapshot(w).prompts[PROMPT]?.channels.stable).toMatchObject({ version: 1 })
  })
})

describe('a pull request with registry: true', () => {
  it("names the base's registered version in the sticky comment", async () => {
    const w = await world()
    const registered = await w.run({
      eventName: 'push',
      payload: push(undefined, w.repo.baseSha),
      inputs: { registry: 'true' }
    })
    expectPassed(registered)
    const run = await w.run({ inputs: { registry: 'true' } })
    expectPassed(run)
    expect(w.stickyComments().at(-1)?.body).toContain('(modified, base: v1, stable, latest)')
    expect(w.github.unhandled()).toEqual([])
  })

  it('without a registry branch shows no base note and passes', async () => {
    const w = await world()
    const run = await w.run({ inputs: { registry: 'true' } })
    expectPassed(run)
    expect(w.stickyComments().at(-1)?.body).not.toContain('base: v')
    expect(run.annotations.filter(annotation => annotation.level !== 'notice')).toEqual([])
  })
})
