/**
 * `promptgate rollout watch` against a real Prometheus (Debian's package), scraping a loopback exporter
 * that serves feedback counters for each version's digest, as a service instrumented per the README would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { registerVersions } from '../../src/registry/commands.js'
import { createLocalRegistryStore } from '../../src/registry/local-store.js'
import { startPrometheus, waitFor, type RealPrometheus } from '../helpers/prometheus.js'
import { configuredRepository } from '../helpers/registry-branch.js'
import { runCli } from '../helpers/run-cli.js'

const BRANCH = 'promptgate/registry'
const REGRESSED = 'prompts/regressed.prompt.yml'
const HEALTHY = 'prompts/healthy.prompt.yml'
const PER_SIDE = 40_000

const CONFIG = `version: 1
rollout:
  metrics:
    prometheus: { url: '\${PROMETHEUS_URL}' }
  plans:
    - prompts: ['prompts/*.prompt.yml']
      stages: [5, 25, 50, 100]
      min_duration: 5s
      min_samples: 1000
      guardrails:
        - name: negative feedback
          bad: 'sum(increase(app_feedback_total{verdict="negative", prompt_digest="$digest"}[$window]))'
          total: 'sum(increase(app_feedback_total{prompt_digest="$digest"}[$window]))'
          max_relative_increase: 0.10
        - name: p95 latency
          value: 'max(max_over_time(app_llm_latency_p95_seconds{prompt_digest="$digest"}[$window]))'
          max_relative_increase: 0.20
      on_regression: rollback
`

/** Counters per digest, served in the text exposition format. */
const served = new Map<string, { negative: number; positive: number; p95: number }>()
function exposition(): string {
  const lines = ['# TYPE app_feedback_total counter']
  for (const [digest, counts] of served) {
    lines.push(`app_feedback_total{verdict="negative",prompt_digest="${digest}"} ${counts.negative}`)
    lines.push(`app_feedback_total{verdict="positive",prompt_digest="${digest}"} ${counts.positive}`)
  }
  lines.push('# TYPE app_llm_latency_p95_seconds gauge')
  for (const [digest, counts] of served)
    lines.push(`app_llm_latency_p95_seconds{prompt_digest="${digest}"} ${counts.p95}`)
  return `${lines.join('\n')}\n`
}

let exporter: Server
let prometheus: RealPrometheus
const dirs: string[] = []

beforeAll(async () => {
  exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(exposition())
  })
  await new Promise<void>(done => exporter.listen(0, '127.0.0.1', done))
  prometheus = await startPrometheus(`127.0.0.1:${(exporter.address() as AddressInfo).port}`)
}, 60_000)

afterAll(async () => {
  await prometheus?.stop()
  await new Promise(done => exporter?.close(done))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function repository() {
  const { dir, git } = configuredRepository(CONFIG, 'promptgate-rollout-')
  dirs.push(dir)
  const store = await createLocalRegistryStore(dir, BRANCH)
  const digests: Record<string, { stable: string; canary: string }> = {}
  for (const prompt of [REGRESSED, HEALTHY]) {
    const versions = []
    for (const text of ['one', 'two']) {
      const content = {
        messages: [{ role: 'user' as const, content: `${prompt} ${text}` }],
        model: 'github:openai/gpt-4o-mini',
        model_parameters: {}
      }
      const { outcomes } = await registerVersions(
        store,
        [{ prompt, content, commit: 'a'.repeat(40), eval: null }],
        { actor: 'test' }
      )
      versions.push(outcomes[0]?.digest ?? '')
    }
    digests[prompt] = { stable: versions[0] ?? '', canary: versions[1] ?? '' }
  }
  const events = () =>
    git('show', `${BRANCH}:events.ndjson`)
      .split('\n')
      .map(line => JSON.parse(line) as Record<string, unknown> & { type: string; prompt: string })
  const snapshot = () => JSON.parse(git('show', `${BRANCH}:snapshot.json`))
  return { dir, git, digests, events, snapshot }
}

const cli = (dir: string, args: string[], env: Record<string, string> = {}) =>
  runCli(args, { HOME: dir, PROMETHEUS_URL: prometheus.url, ...env }, dir)

describe('rollout watch on a real Prometheus', () => {
  it('rolls back a canary with 30% more negative feedback and advances a healthy one a stage', async () => {
    const world = await repository()
    const regressed = world.digests[REGRESSED]!
    const healthy = world.digests[HEALTHY]!
    for (const digest of [regressed.stable, regressed.canary, healthy.stable, healthy.canary])
      served.set(digest, { negative: 0, positive: 0, p95: 0.8 })

    for (const prompt of [REGRESSED, HEALTHY]) {
      const opened = await cli(world.dir, ['registry', 'canary', prompt, '--plan', '--actor', 'ada'])
      expect(opened.stderr).not.toContain('promptgate: error')
      expect(opened.stdout).toBe(`${prompt}: canary none → v2 at 5%\n`)
      expect(opened.code).toBe(0)
    }
    const stageStart = Date.parse(String(world.events().at(-1)?.at)) / 1000

    // Every series has a sample of zero inside the stage, then the counters grow: an increase() over the stage sees it all.
    // $window is whole seconds, so the range may start up to 1s after the stage: the zero must be later than that.
    await waitFor('a zero sample of every series well inside the stage', async () => {
      const stamps = await prometheus.query('timestamp(app_feedback_total)')
      return stamps.length === 8 && stamps.every(stamp => stamp > stageStart + 1.5)
    })
    served.set(regressed.stable, { negative: 4000, positive: PER_SIDE - 4000, p95: 0.8 })
    served.set(regressed.canary, { negative: 5200, positive: PER_SIDE - 5200, p95: 0.8 })
    served.set(healthy.stable, { negative: 4000, positive: PER_SIDE - 4000, p95: 0.8 })
    served.set(healthy.canary, { negative: 4000, positive: PER_SIDE - 4000, p95: 0.8 })
    await waitFor('the grown counters scraped', async () => {
      const [sum] = await prometheus.query('sum(app_feedback_total)')
      return sum === 4 * PER_SIDE
    })
    await waitFor('min_duration (5s) since the stage opened', async () => Date.now() / 1000 > stageStart + 6)

    const watched = await cli(world.dir, ['rollout', 'watch', '--actor', 'rollout-bot'])
    expect(watched.stderr).toMatch(/promptgate: wrote \w{7} on the branch promptgate\/registry/)
    expect(watched.code).toBe(0)
    expect(watched.stdout).toMatch(
      new RegExp(
        `^${REGRESSED}: rollback at stage 5% \\(canary v2 vs stable v1\\): regression at stage 5%, rolling back: negative feedback: canary 13\\.0% .* is above stable.s 10\\.0% \\+ 10%`,
        'm'
      )
    )
    expect(watched.stdout).toMatch(
      new RegExp(`^${HEALTHY}: advance at stage 5% → 25% \\(canary v2 vs stable v1\\)`, 'm')
    )
    expect(watched.stdout).toMatch(
      /negative feedback +\d+(\.\d+)?\/\d+(\.\d+)? 10\.00% +\d+(\.\d+)?\/\d+(\.\d+)? 13\.00% +p<0\.0001( \(α [\d.e-]+\))? +yes/
    )

    const written = world.events().filter(event => event.actor === 'rollout-bot')
    expect(written.map(event => [event.type, event.prompt, event.decision ?? event.channel])).toEqual([
      ['rollout_decision', REGRESSED, 'rollback'],
      ['channel_moved', REGRESSED, 'canary'],
      ['rollout_decision', HEALTHY, 'advance'],
      ['channel_moved', HEALTHY, 'canary']
    ])
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the events are read as written
    const [rollback, cleared, advance, advanced] = written as Record<string, any>[]
    const feedback = rollback?.guardrails[0]
    expect(feedback).toMatchObject({ name: 'negative feedback', kind: 'rate', breached: true })
    expect(feedback.stable.rate).toBeCloseTo(0.1, 6)
    expect(feedback.canary.rate).toBeCloseTo(0.13, 6)
    expect(feedback.stable.total).toBeGreaterThanOrEqual(PER_SIDE)
    expect(feedback.p_value).toBeLessThan(0.001)
    expect(rollback?.guardrails[1]).toMatchObject({
      name: 'p95 latency',
      kind: 'value',
      stable: { value: 0.8 },
      canary: { value: 0.8 },
      breached: false
    })
    expect(cleared).toMatchObject({ command: 'rollout', from: { version: 2, percent: 5 }, to: null })
    expect(advance).toMatchObject({ stage: 5, next_stage: 25 })
    expect(advance?.guardrails[0].breached).toBe(false)
    expect(advanced).toMatchObject({
      command: 'rollout',
      to: { version: 2, digest: healthy.canary, percent: 25 }
    })

    const channels = world.snapshot().prompts
    expect(channels[REGRESSED].channels.canary).toBeUndefined()
    expect(channels[REGRESSED].channels.stable).toEqual({ version: 1, digest: regressed.stable })
    expect(channels[HEALTHY].channels.canary).toEqual({ version: 2, digest: healthy.canary, percent: 25 })
    expect(world.git('log', '-1', '--format=%s', BRANCH)).toBe(
      `Rollout watch: ${REGRESSED} rollback, ${HEALTHY} advance`
    )
  }, 90_000)

  it('exits 2 and writes nothing when the metrics source (--metrics-url over the config) is unreachable', async () => {
    const world = await repository()
    await cli(world.dir, ['registry', 'canary', HEALTHY, '--plan'])
    const tip = world.git('rev-parse', BRANCH)
    const dead = createServer()
    await new Promise<void>(done => dead.listen(0, '127.0.0.1', done))
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`
    await new Promise(done => dead.close(done))
    const watched = await cli(world.dir, ['rollout', 'watch', '--metrics-url', url])
    expect(watched.code).toBe(2)
    expect(watched.stderr).toContain(`promptgate: the Prometheus query API at ${url} could not answer`)
    expect(watched.stderr).toMatch(/unreachable \(ECONNREFUSED/)
    expect(watched.stdout).toBe('')
    expect(world.git('rev-parse', BRANCH)).toBe(tip)
  }, 30_000)
})
