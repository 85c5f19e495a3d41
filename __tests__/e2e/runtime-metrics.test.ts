/**
 * The metric labels and shadow runs as a service gets them: the example service's prom-client metrics
 * (examples/service/metrics.mjs, run with node against the bundled dist/runtime.js), offline.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type {
  createPromptLoader as CreatePromptLoader,
  metricLabels as MetricLabels,
  PromptLoader,
  RegistrySnapshot
} from '../../src/runtime/index.js'
import { NODE } from '../helpers/run-action.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'runtime.js')
const EXAMPLE = join(ROOT, 'examples', 'service')
const PROMPT = 'prompts/triage.prompt.yml'
const REQUESTS = 40 // the example's default, as the README says
const ISSUES = 6 // the example's user i files issue i mod 6; the last one makes every version fail
const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

let prompts: PromptLoader
let metricLabels: typeof MetricLabels
let snapshot: RegistrySnapshot

beforeAll(async () => {
  const runtime = (await import(BUNDLE)) as {
    createPromptLoader: typeof CreatePromptLoader
    metricLabels: typeof MetricLabels
  }
  metricLabels = runtime.metricLabels
  prompts = runtime.createPromptLoader({
    sources: [{ file: join(EXAMPLE, 'snapshot.json') }],
    refreshSeconds: 0
  })
  await prompts.ready()
  snapshot = JSON.parse(await readFile(join(EXAMPLE, 'snapshot.json'), 'utf8')) as RegistrySnapshot
})

describe('dist/runtime.js', () => {
  it('exports shadow and metricLabels: the example snapshot shadows its 25% canary', () => {
    const { stable, canary } = snapshot.prompts[PROMPT]!.channels
    expect(prompts.shadow(PROMPT)).toMatchObject({ channel: 'canary', digest: canary!.digest })
    expect(prompts.get(PROMPT).labels).toEqual({
      prompt: PROMPT,
      prompt_digest: stable!.digest,
      channel: 'stable',
      prompt_version: String(stable!.version)
    })
    expect(metricLabels(prompts.shadow(PROMPT)!)).toEqual(prompts.shadow(PROMPT)!.labels)
  })
})

describe('the example service metrics (prom-client)', () => {
  it('prints the exposition text with both digests, shadow runs counted on the canary, feedback only where served', async () => {
    const run = await runNode([join(EXAMPLE, 'metrics.mjs')])
    expect(run.stderr.trim().split('\n')).toHaveLength(REQUESTS) // one line per request, no stack trace
    expect(run.stderr).toMatch(/^(user-\d+: (bug|feature|question|docs|error)\n)+$/)
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines.filter(line => line !== '' && !line.startsWith('# ') && !SERIES.test(line))).toEqual([])
    const samples = lines.flatMap(parseSample)

    // What the loader serves each user, and which users get a shadow run of the candidate.
    const { stable, canary } = snapshot.prompts[PROMPT]!.channels
    const users = Array.from({ length: REQUESTS }, (_, i) => {
      const served = prompts.get(PROMPT, { key: `user-${i}` }).digest
      const shadowed = prompts.shadow(PROMPT, { key: `user-${i}` })?.digest
      return { served, shadowed, fails: i % ISSUES === ISSUES - 1 }
    })
    /** Calls of a version: served and shadow runs (only the failing inputs' with `failing`). */
    const calls = (digest: string, failing = false) =>
      users
        .filter(user => !failing || user.fails)
        .reduce((n, user) => n + Number(user.served === digest) + Number(user.shadowed === digest), 0)
    const servedOk = (digest: string) => users.filter(user => user.served === digest && !user.fails).length
    expect(users.filter(user => user.shadowed).length).toBeGreaterThan(REQUESTS / 2)
    expect(users.filter(user => user.served === canary!.digest).length).toBeGreaterThan(0)
    expect(users.some(user => user.shadowed === stable!.digest)).toBe(false)

    for (const side of [stable!, canary!]) {
      // What a guardrail selects: {prompt_digest="$digest"}.
      const of = (name: string) =>
        samples.filter(s => s.name === name && s.labels.prompt_digest === side.digest)
      const sum = (name: string) => of(name).reduce((total, s) => total + s.value, 0)
      expect(sum('app_llm_requests_total')).toBe(calls(side.digest))
      expect(sum('app_llm_errors_total')).toBe(calls(side.digest, true))
      expect(sum('app_feedback_total')).toBe(servedOk(side.digest))
      expect(new Set(of('app_feedback_total').map(s => s.labels.verdict))).toEqual(
        side === stable ? new Set(['positive', 'negative']) : new Set(['positive'])
      )
      expect(sum('app_llm_latency_seconds_count')).toBe(calls(side.digest))
      const infBucket = of('app_llm_latency_seconds_bucket').find(s => s.labels.le === '+Inf')
      expect(infBucket?.value).toBe(calls(side.digest))
      for (const sample of of('app_llm_requests_total')) {
        expect(sample.labels).toEqual({
          prompt: PROMPT,
          prompt_digest: side.digest,
          channel: side === stable ? 'stable' : 'canary',
          prompt_version: String(side.version)
        })
      }
    }
    expect(new Set(samples.map(s => s.name))).toEqual(
      new Set([
        'app_llm_requests_total',
        'app_llm_errors_total',
        'app_feedback_total',
        'app_llm_latency_seconds_bucket',
        'app_llm_latency_seconds_sum',
        'app_llm_latency_seconds_count'
      ])
    )
    expect(run.stdout).toContain('# TYPE app_llm_latency_seconds histogram')

    // The figures examples/service/README.md shows are the ones this run prints.
    const readme = await readFile(join(EXAMPLE, 'README.md'), 'utf8')
    const shown = Array.from(
      readme.matchAll(
        /^(app_\w+_total)\{.*channel="(\w+)",prompt_version="(\d+)"(?:,verdict="(\w+)")?\} (\d+)$/gm
      )
    )
    expect(shown).toHaveLength(7)
    for (const [, name, channel, version, verdict, value] of shown) {
      const printed = samples.filter(
        s =>
          s.name === name &&
          s.labels.channel === channel &&
          s.labels.prompt_version === version &&
          s.labels.verdict === verdict
      )
      expect(printed.map(s => s.value)).toEqual([Number(value)])
    }
  })
})

function parseSample(line: string): Sample[] {
  const match = SERIES.exec(line)
  if (!match) return []
  const labels = Object.fromEntries(Array.from(match[2]!.matchAll(LABEL), label => [label[1]!, label[2]!]))
  return [{ name: match[1]!, labels, value: Number(match[3]) }]
}

function runNode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(NODE, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  return new Promise(done => child.on('close', code => done({ code: code ?? -1, stdout, stderr })))
}
