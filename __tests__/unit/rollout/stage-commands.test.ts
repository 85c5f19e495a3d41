import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { registerVersions } from '../../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../../src/registry/local-store.js'
import type { RegistrySnapshot } from '../../../src/registry/types.js'
import {
  abortRollout,
  openFirstStage,
  pauseRollout,
  resumeRollout
} from '../../../src/rollout/stage-commands.js'
import type { RolloutPlan } from '../../../src/rollout/types.js'
import { emptyRepository, request, ticking } from '../registry/registry-helpers.js'

// Each test spawns git (and the CLI) many times; a loaded 2-core machine needs more than jest's 5 s.
jest.setTimeout(60_000)

const PROMPT = 'prompts/triage.prompt.yml'
const BRANCH = 'promptgate/registry'
const plan: RolloutPlan = {
  prompts: ['prompts/**'],
  stages: [5, 25, 100],
  minDurationSeconds: 60,
  minSamples: 10,
  guardrails: [],
  onRegression: 'rollback'
}
const repos: ReturnType<typeof emptyRepository>[] = []
afterEach(() => repos.splice(0).forEach(repo => repo.remove()))

async function setUp() {
  const repo = emptyRepository()
  repos.push(repo)
  const store = await createLocalRegistryStore(repo.dir, BRANCH)
  const context = { actor: 'ada', now: ticking() }
  await registerVersions(store, [request(PROMPT, 'one')], context)
  await registerVersions(store, [request(PROMPT, 'two')], context)
  const canary = () =>
    (JSON.parse(repo.git('show', `${BRANCH}:snapshot.json`)) as RegistrySnapshot).prompts[PROMPT]?.channels
      .canary
  const last = () => JSON.parse(repo.git('show', `${BRANCH}:events.ndjson`).split('\n').at(-1) ?? '{}')
  return { store, context, canary, last }
}

describe('stage commands', () => {
  it('canary --plan opens the first stage; pause, resume and abort move it', async () => {
    const { store, context, canary, last } = await setUp()
    const opened = await openFirstStage(store, { prompt: PROMPT }, plan, context)
    expect(opened.summary).toBe(`${PROMPT}: canary none → v2 at 5%`)
    expect(last()).toMatchObject({
      channel: 'canary',
      reason: 'rollout stage 1 of 5% → 25% → 100%',
      to: { percent: 5 }
    })

    await pauseRollout(store, PROMPT, context)
    expect(canary()?.percent).toBe(0)
    const resumed = await resumeRollout(store, PROMPT, context)
    expect(resumed.summary).toBe(`${PROMPT}: canary v2 at 0% → v2 at 5%`)
    expect(last()).toMatchObject({
      command: 'rollout',
      reason: 'resumed canary v2 at 5%',
      to: { version: 2, percent: 5 }
    })

    await expect(resumeRollout(store, PROMPT, context)).rejects.toThrow('is not paused; it serves 5%')
    await abortRollout(store, PROMPT, { ...context, reason: 'support tickets' })
    expect(canary()).toBeUndefined()
    expect(last()).toMatchObject({
      channel: 'canary',
      to: null,
      command: 'rollout',
      reason: 'aborted: support tickets'
    })
    await expect(abortRollout(store, PROMPT, context)).rejects.toThrow(`${PROMPT} has no canary to abort.`)
  })

  it('resume refuses a canary opened at 0%, which has no stage to go back to', async () => {
    const { store, context } = await setUp()
    await openFirstStage(store, { prompt: PROMPT }, { ...plan, stages: [0, 50] }, context)
    await expect(resumeRollout(store, PROMPT, context)).rejects.toThrow(
      'was opened at 0%, so it has no stage to resume'
    )
  })
})
