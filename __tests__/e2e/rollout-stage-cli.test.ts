import { afterAll, describe, expect, it, jest } from '@jest/globals'
import { rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { registerVersions } from '../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../src/registry/local-store.js'
import { configuredRepository } from '../helpers/registry-branch.js'
import { runCli } from '../helpers/run-cli.js'

// Each test spawns git (and the CLI) many times; a loaded 2-core machine needs more than jest's 5 s.
jest.setTimeout(60_000)

const BRANCH = 'promptgate/registry'
const PLANNED = 'prompts/triage.prompt.yml'
const UNPLANNED = 'other/free.prompt.yml'
const CONFIG = `version: 1
rollout:
  metrics:
    prometheus: { url: 'http://127.0.0.1:9' }
  plans:
    - prompts: ['prompts/**']
      stages: [10, 50, 100]
      min_duration: 1h
      min_samples: 500
      guardrails:
        - { name: errors, bad: 'sum(errors{d="$digest"})', total: 'sum(requests{d="$digest"})', max_absolute: 0.02 }
`
const dirs: string[] = []
afterAll(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })))

async function repository() {
  const { dir, git } = configuredRepository(CONFIG, 'promptgate-stages-')
  dirs.push(dir)
  const store = await createLocalRegistryStore(dir, BRANCH)
  for (const prompt of [PLANNED, UNPLANNED])
    for (const text of ['one', 'two']) {
      const content = {
        messages: [{ role: 'user' as const, content: text }],
        model: 'github:openai/gpt-4o-mini',
        model_parameters: {}
      }
      await registerVersions(store, [{ prompt, content, commit: 'b'.repeat(40), eval: null }], {
        actor: 'test'
      })
    }
  const lastEvent = () => JSON.parse(git('show', `${BRANCH}:events.ndjson`).split('\n').at(-1) ?? '{}')
  return { dir, git, lastEvent }
}

describe('stage commands on the CLI', () => {
  it('canary --plan opens stage one; rollout pause, resume and abort move it; watch skips a paused canary', async () => {
    const { dir, lastEvent } = await repository()
    const cli = (...args: string[]) => runCli([...args, '--actor', 'ada'], { HOME: dir }, dir)

    expect((await cli('registry', 'canary', PLANNED, '--plan')).stdout).toBe(
      `${PLANNED}: canary none → v2 at 10%\n`
    )
    expect(lastEvent()).toMatchObject({ actor: 'ada', reason: 'rollout stage 1 of 10% → 50% → 100%' })
    expect((await cli('rollout', 'pause', PLANNED)).stdout).toBe(`${PLANNED}: canary v2 at 10% → v2 at 0%\n`)

    const watched = await cli('rollout', 'watch')
    expect(watched.stdout).toBe(
      `${PLANNED}: skipped: canary v2 is paused at 0%; \`promptgate rollout resume ${PLANNED}\` resumes its stage\n`
    )
    expect(watched.code).toBe(0)
    const json = JSON.parse((await cli('rollout', 'watch', '--json')).stdout)
    expect(json).toEqual({
      prompts: [{ prompt: PLANNED, status: 'skipped', note: expect.stringContaining('paused at 0%') }]
    })

    expect((await cli('rollout', 'resume', PLANNED)).stdout).toBe(`${PLANNED}: canary v2 at 0% → v2 at 10%\n`)
    const aborted = await cli('rollout', 'abort', PLANNED, '--reason', 'support tickets')
    expect(aborted.stdout).toBe(`${PLANNED}: canary v2 at 10% → none\n`)
    expect(lastEvent()).toMatchObject({
      channel: 'canary',
      to: null,
      command: 'rollout',
      reason: 'aborted: support tickets'
    })
  })

  it('refuses --plan with a percent, or for a prompt no plan matches; a plain canary still opens', async () => {
    const { dir } = await repository()
    const cli = (...args: string[]) => runCli(args, { HOME: dir }, dir)
    const both = await cli('registry', 'canary', PLANNED, '5', '--plan')
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('canary --plan opens the plan\'s first stage; drop the percent "5"')
    const unplanned = await cli('registry', 'canary', UNPLANNED, '--plan')
    expect(unplanned.code).toBe(2)
    expect(unplanned.stderr).toContain(
      `.github/promptgate.yml: no rollout plan in .github/promptgate.yml matches ${UNPLANNED}`
    )
    expect((await cli('registry', 'canary', UNPLANNED, '5')).stdout).toBe(
      `${UNPLANNED}: canary none → v2 at 5%\n`
    )
    const unknown = await cli('rollout', 'resume', PLANNED)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(`${PLANNED} has no canary to resume.`)
  })

  it('gives up on a metrics server that does not answer within --timeout, exits 2 and writes nothing', async () => {
    const { dir, git } = await repository()
    const cli = (...args: string[]) => runCli(args, { HOME: dir }, dir)
    await cli('registry', 'canary', PLANNED, '--plan')
    const tip = git('rev-parse', BRANCH)
    const silent = createServer(() => {})
    await new Promise<void>(done => silent.listen(0, '127.0.0.1', done))
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const began = Date.now()
      const watched = await cli('rollout', 'watch', '--metrics-url', url, '--timeout', '0.5')
      expect(watched.code).toBe(2)
      expect(watched.stderr).toContain(`the Prometheus query API at ${url} could not answer`)
      expect(watched.stderr).toContain('no answer within 0.5s')
      expect(Date.now() - began).toBeLessThan(10_000)
      expect(git('rev-parse', BRANCH)).toBe(tip)
    } finally {
      silent.closeAllConnections()
      await new Promise(done => silent.close(done))
    }
  })
})
