import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  branchEvents,
  branchSnapshot,
  expectPassed,
  labelByKeyword,
  pushPayload,
  REGISTRY_BRANCH as BRANCH,
  triagePrompt
} from '../helpers/registry-branch.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

afterEach(closeWorlds)
jest.setTimeout(120_000)

const TOKEN = 'ghs_rolloutActionToken'
const PROMPT = 'prompts/triage.prompt.yml'
const CONFIG = '.github/promptgate.yml'

const config = `version: 1
rollout:
  auto_canary: true
  metrics:
    ndjson: { path: metrics.ndjson }
  plans:
    - prompts: [prompts/*.prompt.yml]
      stages: [5, 50, 100]
      min_duration: 1h
      min_samples: 100
      guardrails:
        - name: negative feedback
          bad: negative
          total: all
          max_relative_increase: 0.10
`

function git(w: World, ...args: string[]): string {
  return execFileSync('git', args, { cwd: w.repo.dir, encoding: 'utf8' }).trim()
}

const respond = labelByKeyword
const push = pushPayload
const promptFile = (instruction: string) => triagePrompt(instruction, 2)
const snapshot = (w: World) => branchSnapshot(w.repo.dir)
const events = (w: World) => branchEvents(w.repo.dir)

describe('the action runs the rollout leg', () => {
  it('opens stage one on merge (auto_canary), and a scheduled watch rolls a regressing canary back', async () => {
    const w = await startWorld(
      { [PROMPT]: promptFile('Label the issue bug or feature.'), [CONFIG]: config },
      { [PROMPT]: promptFile('Label the issue bug or feature, tersely.'), [CONFIG]: config },
      { token: TOKEN, respond, gitDatabase: true }
    )
    expectPassed(
      await w.run({
        eventName: 'push',
        payload: push(undefined, w.repo.baseSha),
        inputs: { registry: 'true' }
      })
    )
    const merged = await w.run({
      eventName: 'push',
      payload: push(w.repo.baseSha, w.repo.headSha),
      inputs: { registry: 'true' }
    })
    expectPassed(merged)
    expect(merged.stdout).toContain(`auto_canary: ${PROMPT}: canary none → v2 at 5%`)
    const channels = snapshot(w).prompts[PROMPT]!.channels
    expect(channels.canary).toMatchObject({ version: 2, percent: 5 })
    expect(merged.outputs['registry-commit']).toBe(git(w, 'rev-parse', `refs/heads/${BRANCH}`))

    // The service's metrics since the stage opened: the canary's negative feedback is three times stable's.
    const opened = Date.parse(String(events(w).at(-1)?.at))
    const at = new Date(opened + 1000).toISOString()
    const line = (digest: string, bad: number) =>
      JSON.stringify({ at, prompt: PROMPT, digest, guardrail: 'negative feedback', bad, total: 1000 })
    writeFileSync(
      join(w.repo.dir, 'metrics.ndjson'),
      `${line(channels.stable!.digest, 100)}\n${line(channels.canary!.digest, 300)}\n`
    )
    await new Promise(resolve => setTimeout(resolve, Math.max(0, opened + 1500 - Date.now())))

    const watched = await w.run({
      eventName: 'schedule',
      payload: { schedule: '*/15 * * * *' },
      env: { GITHUB_SHA: w.repo.headSha }
    })
    expectPassed(watched)
    expect(watched.stdout).toMatch(/prompts\/triage\.prompt\.yml: rollback at stage 5%/)
    expect(snapshot(w).prompts[PROMPT]!.channels.canary).toBeUndefined()
    expect(snapshot(w).prompts[PROMPT]!.channels.stable).toMatchObject({ version: 1 })
    const decision = events(w).find(event => event.type === 'rollout_decision')
    expect(decision).toMatchObject({
      prompt: PROMPT,
      decision: 'rollback',
      stage: 5,
      guardrails: [
        expect.objectContaining({
          name: 'negative feedback',
          breached: true,
          stable: expect.objectContaining({ bad: 100, total: 1000 }),
          canary: expect.objectContaining({ bad: 300, total: 1000 })
        })
      ]
    })
    expect(events(w).at(-1)).toMatchObject({
      type: 'channel_moved',
      channel: 'canary',
      to: null,
      command: 'rollout'
    })
    expect(watched.summary).toContain('promptgate rollout watch')
    expect(w.github.unhandled()).toEqual([])
  })

  it("a watch that holds notes its decision on the canary's Deployment, in place", async () => {
    const w = await startWorld(
      { [PROMPT]: promptFile('Label the issue bug or feature.'), [CONFIG]: config },
      { [PROMPT]: promptFile('Label the issue bug or feature, tersely.'), [CONFIG]: config },
      { token: TOKEN, respond, gitDatabase: true }
    )
    const inputs = { registry: 'true', deployments: 'true' }
    expectPassed(await w.run({ eventName: 'push', payload: push(undefined, w.repo.baseSha), inputs }))
    expectPassed(await w.run({ eventName: 'push', payload: push(w.repo.baseSha, w.repo.headSha), inputs }))
    const canaryDeployments = () =>
      w.github.state.deployments.filter(d => d.environment === 'prompt/triage/canary')
    expect(canaryDeployments()).toHaveLength(1)
    const channels = snapshot(w).prompts[PROMPT]!.channels
    const at = new Date(Date.parse(String(events(w).at(-1)?.at)) + 1000).toISOString()
    const line = (digest: string) =>
      JSON.stringify({ at, prompt: PROMPT, digest, guardrail: 'negative feedback', bad: 1, total: 10 })
    writeFileSync(
      join(w.repo.dir, 'metrics.ndjson'),
      `${line(channels.stable!.digest)}\n${line(channels.canary!.digest)}\n`
    )
    await new Promise(resolve => setTimeout(resolve, 1500))

    const watched = await w.run({
      eventName: 'schedule',
      payload: {},
      inputs: { deployments: 'true' },
      env: { GITHUB_SHA: w.repo.headSha }
    })
    expectPassed(watched)
    expect(snapshot(w).prompts[PROMPT]!.channels.canary).toMatchObject({ version: 2, percent: 5 })
    expect(canaryDeployments()).toHaveLength(1)
    const last = canaryDeployments()[0]!.statuses.at(-1)
    expect(last?.state).toBe('in_progress')
    expect(last?.description).toMatch(/^stage 5%: hold: /)
    expect(last?.description.length).toBeLessThanOrEqual(140)
    expect(w.github.unhandled()).toEqual([])
  })

  it('pauses, resumes and aborts the canary from workflow_dispatch', async () => {
    const w = await startWorld(
      { [PROMPT]: promptFile('Label the issue bug or feature.'), [CONFIG]: config },
      { [PROMPT]: promptFile('Label the issue bug or feature, tersely.'), [CONFIG]: config },
      { token: TOKEN, respond, gitDatabase: true }
    )
    expectPassed(
      await w.run({
        eventName: 'push',
        payload: push(undefined, w.repo.baseSha),
        inputs: { registry: 'true' }
      })
    )
    expectPassed(
      await w.run({
        eventName: 'push',
        payload: push(w.repo.baseSha, w.repo.headSha),
        inputs: { registry: 'true' }
      })
    )
    const dispatch = (command: string) =>
      w.run({
        eventName: 'workflow_dispatch',
        payload: {},
        inputs: { command, prompt: 'triage' },
        env: { GITHUB_ACTOR: 'grace' }
      })
    expectPassed(await dispatch('pause'))
    expect(snapshot(w).prompts[PROMPT]!.channels.canary).toMatchObject({ version: 2, percent: 0 })
    expectPassed(await dispatch('resume'))
    expect(snapshot(w).prompts[PROMPT]!.channels.canary).toMatchObject({ version: 2, percent: 5 })
    expectPassed(await dispatch('abort'))
    expect(snapshot(w).prompts[PROMPT]!.channels.canary).toBeUndefined()
    expect(
      events(w)
        .slice(-3)
        .map(event => [
          event.channel,
          event.actor,
          (event.to as { percent?: number } | null)?.percent ?? null
        ])
    ).toEqual([
      ['canary', 'grace', 0],
      ['canary', 'grace', 5],
      ['canary', 'grace', null]
    ])
  })

  it('a scheduled watch without rollout plans fails with one clear error', async () => {
    const w = await startWorld(
      { [PROMPT]: promptFile('a') },
      { [PROMPT]: promptFile('b') },
      { token: TOKEN, respond, gitDatabase: true }
    )
    const run = await w.run({
      eventName: 'repository_dispatch',
      payload: {},
      env: { GITHUB_SHA: w.repo.headSha }
    })
    expect(run.exitCode).toBe(1)
    expect(
      run.annotations.filter(annotation => annotation.level === 'error').map(annotation => annotation.message)
    ).toEqual([expect.stringContaining('has no rollout plans (rollout.plans)')])
    expect(run.stdout).not.toMatch(/\n\s+at /)
  })
})
