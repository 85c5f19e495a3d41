import { afterEach, describe, expect, it } from '@jest/globals'
import { registerVersions, runChannelCommand } from '../../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../../src/registry/local-store.js'
import type { RegistryStore } from '../../../src/registry/store.js'
import { readRegistry } from '../../../src/registry/transact.js'
import { emptyRepository, request, ticking } from './registry-helpers.js'

const BRANCH = 'promptgate/registry'
const repos: ReturnType<typeof emptyRepository>[] = []
afterEach(() => repos.splice(0).forEach(repo => repo.remove()))

/** A store whose first `count` writes let `rival` write first, as a job running at the same moment would. */
function racedBy(
  store: RegistryStore,
  rival: () => Promise<unknown>,
  count = 1
): RegistryStore & { writes: string[] } {
  let left = count
  const writes: string[] = []
  return {
    branch: store.branch,
    where: store.where,
    writes,
    read: () => store.read(),
    async write(change) {
      if (left-- > 0) await rival()
      const outcome = await store.write(change)
      writes.push(outcome.status)
      return outcome
    }
  }
}

describe('concurrent writers', () => {
  it('the slower writer is retried on the new tip: both versions land, neither is overwritten', async () => {
    const repo = emptyRepository()
    repos.push(repo)
    const store = await createLocalRegistryStore(repo.dir, BRANCH)
    const context = { actor: 'octocat', now: ticking() }
    await registerVersions(store, [request('prompts/a.prompt.yml', 'a1')], context)
    const raced = racedBy(store, () =>
      registerVersions(store, [request('prompts/b.prompt.yml', 'b1')], context)
    )
    await registerVersions(raced, [request('prompts/a.prompt.yml', 'a2')], context)
    expect(raced.writes).toEqual(['moved', 'committed'])
    const state = await readRegistry(store)
    expect(state.histories.get('prompts/a.prompt.yml')?.versions.map(version => version.version)).toEqual([
      1, 2
    ])
    expect(state.histories.get('prompts/b.prompt.yml')?.versions.map(version => version.version)).toEqual([1])
    expect(repo.git('rev-list', '--count', BRANCH)).toBe('3')
  })

  it('two jobs registering the same merge register one version', async () => {
    const repo = emptyRepository()
    repos.push(repo)
    const store = await createLocalRegistryStore(repo.dir, BRANCH)
    const context = { actor: 'octocat', now: ticking() }
    const raced = racedBy(store, () =>
      registerVersions(store, [request('prompts/a.prompt.yml', 'same')], context)
    )
    const { outcomes } = await registerVersions(raced, [request('prompts/a.prompt.yml', 'same')], context)
    expect(outcomes[0]).toMatchObject({ version: 1, status: 'unchanged' })
    expect(raced.writes).toEqual(['moved'])
    expect(repo.git('rev-list', '--count', BRANCH)).toBe('1')
  })

  it('a promote racing a new registration keeps both: the promote is recomputed on the new tip', async () => {
    const repo = emptyRepository()
    repos.push(repo)
    const store = await createLocalRegistryStore(repo.dir, BRANCH)
    const context = { actor: 'octocat', now: ticking() }
    await registerVersions(store, [request('prompts/a.prompt.yml', 'a1')], context)
    await registerVersions(store, [request('prompts/a.prompt.yml', 'a2')], context)
    const raced = racedBy(store, () =>
      registerVersions(store, [request('prompts/a.prompt.yml', 'a3')], context)
    )
    const promoted = await runChannelCommand(
      raced,
      { command: 'promote', prompt: 'prompts/a.prompt.yml', version: 2 },
      context
    )
    expect(promoted.events[0]?.to?.version).toBe(2)
    const state = await readRegistry(store)
    expect(state.histories.get('prompts/a.prompt.yml')?.channels).toMatchObject({
      stable: { version: 2 },
      latest: { version: 3 }
    })
  })

  it('gives up with a clear error when the branch moves on every attempt', async () => {
    const repo = emptyRepository()
    repos.push(repo)
    const store = await createLocalRegistryStore(repo.dir, BRANCH)
    const context = { actor: 'octocat', now: ticking() }
    let n = 0
    const raced = racedBy(
      store,
      () => registerVersions(store, [request(`prompts/r${n++}.prompt.yml`, 'x')], context),
      99
    )
    await expect(registerVersions(raced, [request('prompts/a.prompt.yml', 'a')], context)).rejects.toThrow(
      'moved under every one of 6 attempts'
    )
  })
})
