import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { registerVersions, runChannelCommand } from '../../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../../src/registry/local-store.js'
import type { RegistrySnapshot } from '../../../src/registry/types.js'
import { decide } from '../../../src/rollout/decide.js'
import { planMatcher } from '../../../src/rollout/plan-for.js'
import type {
  DecisionInput,
  MetricsSource,
  MetricWindow,
  RolloutPlan,
  SideReading
} from '../../../src/rollout/types.js'
import { watchRollouts } from '../../../src/rollout/watch.js'
import { emptyRepository, request } from '../registry/registry-helpers.js'

// Each test spawns git (and the CLI) many times; a loaded 2-core machine needs more than jest's 5 s.
jest.setTimeout(60_000)

const TRIAGE = 'prompts/triage.prompt.yml'
const SUMMARY = 'prompts/summary.prompt.yml'
const BRANCH = 'promptgate/registry'
const plan: RolloutPlan = {
  prompts: ['prompts/*.prompt.yml'],
  stages: [5, 25, 50, 100],
  minDurationSeconds: 3600,
  minSamples: 500,
  guardrails: [
    { name: 'negative feedback', kind: 'rate', bad: 'neg', total: 'all', maxRelativeIncrease: 0.1 },
    { name: 'p95 latency', kind: 'value', value: 'p95', maxRelativeIncrease: 0.2 }
  ],
  onRegression: 'rollback'
}
const healthy = { bad: 1000, total: 10_000, rate: 0.1 }
const regressed = { bad: 1300, total: 10_000, rate: 0.13 }

const repos: ReturnType<typeof emptyRepository>[] = []
afterEach(() => repos.splice(0).forEach(repo => repo.remove()))

/** A clock the test moves by hand. */
function clock(start = Date.parse('2026-12-01T10:00:00Z')) {
  let now = start
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) }
}

/** Readings by digest; every read is recorded. */
function fakeSource(byDigest: () => Record<string, SideReading>) {
  const reads: { guardrail: string; digest: string; window: MetricWindow }[] = []
  const source: MetricsSource = {
    describe: 'the fake source',
    async read(guardrail, digest, window) {
      reads.push({ guardrail: guardrail.name, digest, window })
      if (guardrail.kind === 'value') return { value: 0.8 }
      const reading = byDigest()[digest]
      if (!reading) throw new Error(`no reading for ${digest}`)
      return reading
    }
  }
  return { source, reads }
}

async function setUp(prompts = [TRIAGE]) {
  const repo = emptyRepository()
  repos.push(repo)
  const store = await createLocalRegistryStore(repo.dir, BRANCH)
  const time = clock()
  const context = { actor: 'ada', now: time.now }
  const digests: Record<string, { stable: string; canary: string }> = {}
  for (const prompt of prompts) {
    const [v1] = (await registerVersions(store, [request(prompt, `${prompt} one`)], context)).outcomes
    const [v2] = (await registerVersions(store, [request(prompt, `${prompt} two`)], context)).outcomes
    digests[prompt] = { stable: v1?.digest ?? '', canary: v2?.digest ?? '' }
  }
  const snapshot = (): RegistrySnapshot => JSON.parse(repo.git('show', `${BRANCH}:snapshot.json`))
  const flags = () => JSON.parse(repo.git('show', `${BRANCH}:flags.flagd.json`))
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary event fields
  const events = (): Record<string, any>[] =>
    repo
      .git('show', `${BRANCH}:events.ndjson`)
      .split('\n')
      .map(line => JSON.parse(line))
  const commits = () => Number(repo.git('rev-list', '--count', BRANCH))
  const canary = (prompt: string, percent: number) =>
    runChannelCommand(store, { command: 'canary', prompt, percent }, context)
  return { repo, store, time, context, digests, snapshot, flags, events, commits, canary }
}

const watch = (
  world: Awaited<ReturnType<typeof setUp>>,
  source: MetricsSource,
  decideWith: (input: DecisionInput) => ReturnType<typeof decide> = decide
) =>
  watchRollouts({
    store: world.store,
    planFor: planMatcher([plan]),
    source,
    decide: decideWith,
    actor: 'rollout-bot',
    now: world.time.now
  })

describe('watchRollouts', () => {
  it('advances a healthy canary a stage once min_duration and min_samples are met, with the figures in the event', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 5)
    const opened = world.time.now()
    world.time.advance(3600)
    const { source, reads } = fakeSource(() => ({ [stable]: healthy, [canary]: healthy }))
    const outcome = await watch(world, source)
    expect(outcome.prompts).toEqual([expect.objectContaining({ prompt: TRIAGE, status: 'decided' })])
    expect(reads.map(read => [read.guardrail, read.digest]).sort()).toEqual(
      [
        ['negative feedback', stable],
        ['negative feedback', canary],
        ['p95 latency', stable],
        ['p95 latency', canary]
      ].sort()
    )
    expect(reads[0]?.window).toEqual({ start: opened, end: world.time.now(), seconds: 3600 })
    const [decision, move] = world.events().slice(-2)
    expect(decision).toMatchObject({
      type: 'rollout_decision',
      actor: 'rollout-bot',
      prompt: TRIAGE,
      decision: 'advance',
      stage: 5,
      next_stage: 25,
      stable: { version: 1, digest: stable },
      canary: { version: 2, digest: canary },
      look: 1,
      window: { seconds: 3600 },
      guardrails: [
        {
          name: 'negative feedback',
          kind: 'rate',
          stable: healthy,
          canary: healthy,
          p_value: expect.any(Number),
          breached: false
        },
        {
          name: 'p95 latency',
          kind: 'value',
          stable: { value: 0.8 },
          canary: { value: 0.8 },
          breached: false
        }
      ]
    })
    expect(move).toMatchObject({
      type: 'channel_moved',
      channel: 'canary',
      command: 'rollout',
      actor: 'rollout-bot',
      from: { version: 2, percent: 5 },
      to: { version: 2, digest: canary, percent: 25 }
    })
    expect(world.snapshot().prompts[TRIAGE]?.channels.canary).toEqual({
      version: 2,
      digest: canary,
      percent: 25
    })
    expect(world.flags().flags[TRIAGE].targeting.fractional[0]).toEqual([canary, 2500])
  })

  it('promotes the canary when the next stage is 100: stable is the canary version, the canary is cleared', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 50)
    world.time.advance(7200)
    await watch(world, fakeSource(() => ({ [stable]: healthy, [canary]: healthy })).source)
    const moves = world.events().filter(event => event.command === 'rollout')
    expect(moves.map(event => [event.channel, event.to?.version ?? null])).toEqual([
      ['stable', 2],
      ['canary', null]
    ])
    expect(world.events().at(-3)).toMatchObject({
      type: 'rollout_decision',
      decision: 'advance',
      stage: 50,
      next_stage: 100
    })
    const channels = world.snapshot().prompts[TRIAGE]?.channels
    expect(channels?.stable).toEqual({ version: 2, digest: canary })
    expect(channels?.canary).toBeUndefined()
  })

  it('rolls a regressed canary back at the first watch: the canary is cleared, stable stays', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 5)
    world.time.advance(60)
    const outcome = await watch(world, fakeSource(() => ({ [stable]: healthy, [canary]: regressed })).source)
    const decided = outcome.prompts[0]
    expect(decided?.status === 'decided' && decided.record.decision).toBe('rollback')
    const [decision, move] = world.events().slice(-2)
    expect(decision).toMatchObject({
      decision: 'rollback',
      stage: 5,
      reason: expect.stringContaining('negative feedback')
    })
    expect(decision?.guardrails[0]).toMatchObject({ breached: true, stable: healthy, canary: regressed })
    expect(decision?.guardrails[0].p_value).toBeLessThan(0.05)
    expect(move).toMatchObject({
      channel: 'canary',
      command: 'rollout',
      to: null,
      from: { version: 2, percent: 5 }
    })
    const channels = world.snapshot().prompts[TRIAGE]?.channels
    expect(channels?.canary).toBeUndefined()
    expect(channels?.stable).toEqual({ version: 1, digest: stable })
    expect(world.flags().flags[TRIAGE].targeting).toBeUndefined()
  })

  it('writes one rollout_decision per prompt per run in one commit, a hold without a move', async () => {
    const world = await setUp([TRIAGE, SUMMARY])
    const t = world.digests[TRIAGE]!
    const s = world.digests[SUMMARY]!
    await world.canary(TRIAGE, 5)
    await world.canary(SUMMARY, 5)
    world.time.advance(600)
    const before = world.commits()
    const readings = { [t.stable]: healthy, [t.canary]: regressed, [s.stable]: healthy, [s.canary]: healthy }
    const outcome = await watch(world, fakeSource(() => readings).source)
    expect(world.commits()).toBe(before + 1)
    expect(outcome.sha).toBe(world.repo.git('rev-parse', BRANCH))
    const written = world.events().filter(event => event.at === world.time.now().toISOString())
    expect(written.map(event => [event.type, event.prompt, event.decision ?? event.channel])).toEqual([
      ['rollout_decision', TRIAGE, 'rollback'],
      ['channel_moved', TRIAGE, 'canary'],
      ['rollout_decision', SUMMARY, 'hold']
    ])
    expect(written[2]?.reason).toBe('holding: stage 5% has run 10m of 1h')
    expect(world.repo.git('log', '-1', '--format=%s', BRANCH)).toBe(
      `Rollout watch: ${TRIAGE} rollback, ${SUMMARY} hold`
    )
  })

  it('counts the earlier looks at this stage, and starts them again when the stage moves', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 5)
    const looks: number[] = []
    const spy = (input: DecisionInput) => {
      looks.push(input.previousLooks)
      return decide(input)
    }
    const source = fakeSource(() => ({ [stable]: healthy, [canary]: healthy })).source
    for (const seconds of [600, 600, 3000, 600]) {
      world.time.advance(seconds)
      await watch(world, source, spy)
    }
    expect(looks).toEqual([0, 1, 2, 0])
    expect(
      world
        .events()
        .filter(event => event.type === 'rollout_decision')
        .map(event => [event.decision, event.stage, event.look])
    ).toEqual([
      ['hold', 5, 1],
      ['hold', 5, 2],
      ['advance', 5, 3],
      ['hold', 25, 1]
    ])
  })

  it('pauses instead when the plan says on_regression: pause', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 25)
    world.time.advance(60)
    await watchRollouts({
      store: world.store,
      planFor: () => ({ ...plan, onRegression: 'pause' }),
      source: fakeSource(() => ({ [stable]: healthy, [canary]: regressed })).source,
      decide,
      actor: 'rollout-bot',
      now: world.time.now
    })
    expect(world.events().at(-2)).toMatchObject({ type: 'rollout_decision', decision: 'pause', stage: 25 })
    expect(world.snapshot().prompts[TRIAGE]?.channels.canary).toEqual({
      version: 2,
      digest: canary,
      percent: 0
    })
  })

  it('skips a paused canary and one no plan matches, and writes nothing when nothing was decided', async () => {
    const world = await setUp([TRIAGE, 'other/free.prompt.yml'])
    await world.canary(TRIAGE, 0)
    await world.canary('other/free.prompt.yml', 10)
    const before = world.commits()
    const { source, reads } = fakeSource(() => ({}))
    const outcome = await watch(world, source)
    expect(outcome).toEqual({
      prompts: [
        { prompt: TRIAGE, status: 'skipped', note: expect.stringContaining('paused at 0%') },
        {
          prompt: 'other/free.prompt.yml',
          status: 'skipped',
          note: 'a canary no rollout plan matches: not watched'
        }
      ]
    })
    expect(reads).toEqual([])
    expect(world.commits()).toBe(before)
  })

  it('writes nothing when the source fails: an unknown reading is never a hold', async () => {
    const world = await setUp()
    await world.canary(TRIAGE, 5)
    const before = world.repo.git('rev-parse', BRANCH)
    const failing: MetricsSource = {
      describe: 'down',
      read: async () => {
        throw new Error('the Prometheus query API at http://x is unreachable')
      }
    }
    await expect(watch(world, failing)).rejects.toThrow('unreachable')
    expect(world.repo.git('rev-parse', BRANCH)).toBe(before)
  })

  it('decides nothing for a canary another command moved while the watch read the metrics', async () => {
    const world = await setUp()
    const { stable, canary } = world.digests[TRIAGE]!
    await world.canary(TRIAGE, 5)
    world.time.advance(60)
    let moved = false
    const source: MetricsSource = {
      describe: 'a source that is slow while someone pauses the canary',
      async read(guardrail) {
        if (!moved) {
          moved = true
          await runChannelCommand(world.store, { command: 'pause', prompt: TRIAGE }, world.context)
        }
        return guardrail.kind === 'value' ? { value: 1 } : regressed
      }
    }
    const before = world.commits()
    const outcome = await watch(world, source)
    expect(outcome.prompts).toEqual([
      {
        prompt: TRIAGE,
        status: 'skipped',
        note: expect.stringContaining('another command moved its channels')
      }
    ])
    expect(world.commits()).toBe(before + 1)
    expect(world.repo.git('log', '-1', '--format=%s', BRANCH)).toMatch(/^Pause /)
    expect(world.snapshot().prompts[TRIAGE]?.channels.canary).toEqual({
      version: 2,
      digest: canary,
      percent: 0
    })
    expect(stable).not.toBe(canary)
  })
})
