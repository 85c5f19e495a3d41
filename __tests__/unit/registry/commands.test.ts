import { afterEach, describe, expect, it } from '@jest/globals'
import { registerVersions, runChannelCommand } from '../../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../../src/registry/local-store.js'
import { readRegistry } from '../../../src/registry/transact.js'
import type { RegistrySnapshot, ChannelMovedEvent } from '../../../src/registry/types.js'
import { emptyRepository, request, ticking } from './registry-helpers.js'

const PROMPT = 'prompts/triage.prompt.yml'
const BRANCH = 'promptgate/registry'
const repos: ReturnType<typeof emptyRepository>[] = []
afterEach(() => repos.splice(0).forEach(repo => repo.remove()))

async function setUp() {
  const repo = emptyRepository()
  repos.push(repo)
  const store = await createLocalRegistryStore(repo.dir, BRANCH)
  const context = { actor: 'octocat', now: ticking() }
  const snapshot = (): RegistrySnapshot => JSON.parse(repo.git('show', `${BRANCH}:snapshot.json`))
  const events = (): Record<string, unknown>[] =>
    repo
      .git('show', `${BRANCH}:events.ndjson`)
      .split('\n')
      .map(line => JSON.parse(line))
  return { repo, store, context, snapshot, events }
}

describe('registerVersions', () => {
  it('creates the orphan branch with v1 as latest and stable, and leaves the current branch alone', async () => {
    const { repo, store, context, snapshot, events } = await setUp()
    const { outcomes, sha } = await registerVersions(store, [request(PROMPT, 'one')], context)
    expect(outcomes).toEqual([expect.objectContaining({ prompt: PROMPT, version: 1, status: 'registered' })])
    expect(repo.git('rev-parse', BRANCH)).toBe(sha)
    expect(repo.git('rev-list', '--count', BRANCH)).toBe('1')
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
    expect(repo.git('status', '--porcelain')).toBe('')
    const channels = snapshot().prompts[PROMPT]?.channels
    expect(channels?.latest).toEqual({ version: 1, digest: outcomes[0]?.digest })
    expect(channels?.stable).toEqual({ version: 1, digest: outcomes[0]?.digest })
    expect(events().map(event => [event.type, event.channel])).toEqual([
      ['version_registered', undefined],
      ['channel_moved', 'latest'],
      ['channel_moved', 'stable']
    ])
    const file = repo.git('ls-tree', '-r', '--name-only', BRANCH).split('\n')
    expect(file).toEqual(
      expect.arrayContaining([
        'events.ndjson',
        'snapshot.json',
        'flags.flagd.json',
        `versions/${outcomes[0]?.digest.slice(7)}.json`
      ])
    )
  })

  it('numbers versions per prompt, moves only latest, and registers a known digest once', async () => {
    const { store, context, snapshot } = await setUp()
    await registerVersions(store, [request(PROMPT, 'one'), request('prompts/other.prompt.yml', 'x')], context)
    const second = await registerVersions(store, [request(PROMPT, 'two')], context)
    expect(second.outcomes[0]).toMatchObject({ version: 2, status: 'registered' })
    expect(snapshot().prompts[PROMPT]?.channels).toMatchObject({
      latest: { version: 2 },
      stable: { version: 1 }
    })
    expect(snapshot().prompts['prompts/other.prompt.yml']?.channels.latest?.version).toBe(1)
    const again = await registerVersions(store, [request(PROMPT, 'two')], context)
    expect(again).toEqual({
      outcomes: [expect.objectContaining({ version: 2, status: 'unchanged' })],
      moves: []
    })
  })

  it('maps a revert to the existing version: nothing new, latest moves back', async () => {
    const { repo, store, context, snapshot } = await setUp()
    await registerVersions(store, [request(PROMPT, 'one')], context)
    await registerVersions(store, [request(PROMPT, 'two')], context)
    const before = repo.git('ls-tree', '-r', '--name-only', BRANCH, 'versions/').split('\n').length
    const revert = await registerVersions(store, [request(PROMPT, 'one', 'b'.repeat(40))], context)
    expect(revert.outcomes[0]).toMatchObject({ version: 1, status: 'latest-moved' })
    expect(repo.git('ls-tree', '-r', '--name-only', BRANCH, 'versions/').split('\n')).toHaveLength(before)
    expect(snapshot().prompts[PROMPT]?.channels.latest?.version).toBe(1)
  })

  it('looks up the baseline version by its digest', async () => {
    const { repo, store, context } = await setUp()
    const first = await registerVersions(store, [request(PROMPT, 'one')], context)
    const next = request(PROMPT, 'two')
    next.eval = {
      ...next.eval!,
      baseline: { digest: first.outcomes[0]!.digest, deltas: { pass_rate: -0.1 } }
    }
    const { outcomes } = await registerVersions(store, [next], context)
    const record = JSON.parse(repo.git('show', `${BRANCH}:versions/${outcomes[0]!.digest.slice(7)}.json`))
    expect(record).toMatchObject({
      prompt: PROMPT,
      version: 2,
      digest: outcomes[0]!.digest,
      eval: { baseline: { version: 1, digest: first.outcomes[0]!.digest, deltas: { pass_rate: -0.1 } } }
    })
  })
})

describe('runChannelCommand', () => {
  async function threeVersions() {
    const setup = await setUp()
    for (const text of ['one', 'two', 'three'])
      await registerVersions(setup.store, [request(PROMPT, text)], setup.context)
    return setup
  }

  it('canary serves latest to a percentage, promote makes it stable and clears the canary', async () => {
    const { store, context, snapshot } = await threeVersions()
    const canary = await runChannelCommand(store, { command: 'canary', prompt: PROMPT, percent: 5 }, context)
    expect(canary.summary).toBe(`${PROMPT}: canary none → v3 at 5%`)
    expect(snapshot().prompts[PROMPT]?.channels.canary).toMatchObject({ version: 3, percent: 5 })
    const promoted = await runChannelCommand(store, { command: 'promote', prompt: 'triage' }, context)
    expect(
      promoted.events.map(event => [event.channel, event.from?.version, event.to?.version ?? null])
    ).toEqual([
      ['stable', 1, 3],
      ['canary', 3, null]
    ])
    const channels = snapshot().prompts[PROMPT]?.channels
    expect(channels?.stable?.version).toBe(3)
    expect(channels?.canary).toBeUndefined()
    expect(
      Object.values(snapshot().prompts[PROMPT]!.versions)
        .map(version => version.version)
        .sort()
    ).toEqual([1, 3])
    expect(snapshot().prompts[PROMPT]?.previous_stable?.version).toBe(1)
  })

  it('rollback returns to the stable before, twice in a row', async () => {
    const { store, context, snapshot } = await threeVersions()
    await runChannelCommand(store, { command: 'promote', prompt: PROMPT, version: 2 }, context)
    await runChannelCommand(store, { command: 'promote', prompt: PROMPT, version: 3 }, context)
    await runChannelCommand(store, { command: 'rollback', prompt: PROMPT }, context)
    expect(snapshot().prompts[PROMPT]?.channels.stable?.version).toBe(2)
    await runChannelCommand(store, { command: 'rollback', prompt: PROMPT }, context)
    expect(snapshot().prompts[PROMPT]?.channels.stable?.version).toBe(1)
    await expect(runChannelCommand(store, { command: 'rollback', prompt: PROMPT }, context)).rejects.toThrow(
      'there is no earlier stable to roll back to'
    )
    await runChannelCommand(store, { command: 'rollback', prompt: PROMPT, version: 3 }, context)
    expect(snapshot().prompts[PROMPT]?.channels.stable?.version).toBe(3)
  })

  it('pause keeps the canary version at 0%', async () => {
    const { store, context, snapshot } = await threeVersions()
    await runChannelCommand(store, { command: 'canary', prompt: PROMPT, percent: 25, version: 2 }, context)
    const paused = await runChannelCommand(store, { command: 'pause', prompt: PROMPT }, context)
    expect(paused.events[0]).toMatchObject({
      channel: 'canary',
      from: { version: 2, percent: 25 },
      to: { version: 2, percent: 0 }
    })
    expect(snapshot().prompts[PROMPT]?.channels.canary).toMatchObject({ version: 2, percent: 0 })
  })

  it('writes who moved what, from which version to which, with a reason; nothing is rewritten', async () => {
    const { repo, store, context, events } = await threeVersions()
    const before = repo.git('show', `${BRANCH}:events.ndjson`)
    await runChannelCommand(
      store,
      { command: 'promote', prompt: PROMPT },
      { ...context, actor: 'hubot', reason: 'ship it' }
    )
    const after = repo.git('show', `${BRANCH}:events.ndjson`)
    expect(after.startsWith(before)).toBe(true)
    const last = events().at(-1) as unknown as ChannelMovedEvent
    expect(last).toMatchObject({
      type: 'channel_moved',
      actor: 'hubot',
      channel: 'stable',
      reason: 'ship it'
    })
    expect(last.from).toMatchObject({ version: 1 })
    expect(last.to).toMatchObject({ version: 3 })
    expect(Date.parse(last.at)).not.toBeNaN()
  })

  it('refuses what makes no sense, with a message that says why', async () => {
    const { store, context } = await threeVersions()
    await expect(
      runChannelCommand(store, { command: 'promote', prompt: 'prompts/triag.prompt.yml' }, context)
    ).rejects.toThrow(`"prompts/triag.prompt.yml" is not a registered prompt on the branch ${BRANCH}`)
    await expect(
      runChannelCommand(store, { command: 'promote', prompt: PROMPT, version: 9 }, context)
    ).rejects.toThrow(`${PROMPT} has no version 9; it has v1 to v3.`)
    await expect(
      runChannelCommand(store, { command: 'canary', prompt: PROMPT, percent: 101 }, context)
    ).rejects.toThrow('0 to 100 percent')
    await expect(
      runChannelCommand(store, { command: 'canary', prompt: PROMPT, percent: 5, version: 1 }, context)
    ).rejects.toThrow('already stable')
    await expect(runChannelCommand(store, { command: 'pause', prompt: PROMPT }, context)).rejects.toThrow(
      'no canary to pause'
    )
  })

  it('a command that changes nothing writes no commit', async () => {
    const { repo, store, context } = await threeVersions()
    const tip = repo.git('rev-parse', BRANCH)
    const outcome = await runChannelCommand(
      store,
      { command: 'promote', prompt: PROMPT, version: 1 },
      context
    )
    expect(outcome.events).toEqual([])
    expect(outcome.summary).toContain('nothing to promote')
    expect(repo.git('rev-parse', BRANCH)).toBe(tip)
  })

  it('names a prompt by a digest prefix too', async () => {
    const { store, context } = await threeVersions()
    const state = await readRegistry(store)
    const v2 = state.histories.get(PROMPT)!.versions[1]!
    const outcome = await runChannelCommand(
      store,
      { command: 'promote', prompt: PROMPT, digest: v2.digest.slice(7, 19) },
      context
    )
    expect(outcome.events[0]?.to).toEqual({ version: 2, digest: v2.digest })
  })
})
