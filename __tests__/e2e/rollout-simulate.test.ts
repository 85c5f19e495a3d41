import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runCli } from '../helpers/run-cli.js'

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'rollout')
const simulate = (...args: string[]) => runCli(['rollout', 'simulate', '--repo', FIXTURES, ...args])

/** The watch lines: time, prompt, decision, stage, reason. */
function watchLines(
  stdout: string
): { at: string; prompt: string; decision: string; stage: string; reason: string }[] {
  return stdout
    .split('\n')
    .filter(line => /^\d{4}-/.test(line))
    .map(line => {
      const [at, prompt, decision, stage, reason] = line.split(/ {2,}/)
      return { at: at!, prompt: prompt!, decision: decision!, stage: stage!, reason: reason! }
    })
}

const temporary: string[] = []
afterEach(async () => {
  while (temporary.length) await rm(temporary.pop()!, { recursive: true, force: true })
})

describe('promptgate rollout simulate', () => {
  it('rolls back a canary whose negative feedback is 30% against stable 10% at the first watch', async () => {
    const run = await simulate('--metrics', join(FIXTURES, 'regressing.ndjson'))
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = watchLines(run.stdout)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      at: '2026-01-05T10:15:00Z',
      prompt: 'prompts/triage.prompt.yml',
      decision: 'rollback',
      stage: 'stage 5%'
    })
    expect(lines[0]!.reason).toMatch(
      /negative feedback: canary 30\.0% \(18\/60\) is above stable's 10\.0% \+ 10% = 11\.0%/
    )
    expect(run.stdout).toContain('prompts/triage.prompt.yml: rolled back at stage 5% after 1 watch')
  })

  it('advances a healthy canary through every stage to promotion, holding for time and traffic between', async () => {
    const run = await simulate('--metrics', join(FIXTURES, 'healthy.ndjson'))
    expect(run.code).toBe(0)
    const lines = watchLines(run.stdout)
    expect(lines.filter(line => line.decision === 'advance').map(line => [line.at, line.stage])).toEqual([
      ['2026-01-05T11:00:00Z', 'stage 5% -> 25%'],
      ['2026-01-05T12:00:00Z', 'stage 25% -> 50%'],
      ['2026-01-05T13:00:00Z', 'stage 50% -> 100%']
    ])
    expect(lines).toHaveLength(12)
    expect(lines[0]!.reason).toBe(
      'holding: stage 5% has run 15m of 1h; too little traffic to decide: canary has 60 of 200 samples for negative feedback, canary has 60 of 200 samples for errors'
    )
    expect(lines.some(line => line.decision === 'rollback')).toBe(false)
    expect(run.stdout).toContain('prompts/triage.prompt.yml: promoted to 100% after 12 watches')
  })

  it("reads the config's ndjson metrics source when --metrics is not given", async () => {
    const run = await simulate()
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('prompts/triage.prompt.yml: promoted to 100% after 12 watches')
  })

  it('watches at --every and can start at a later stage with --start-percent', async () => {
    const run = await simulate(
      '--metrics',
      join(FIXTURES, 'healthy.ndjson'),
      '--every',
      '1h',
      '--start-percent',
      '25'
    )
    expect(run.code).toBe(0)
    const lines = watchLines(run.stdout)
    expect(lines.map(line => [line.at, line.decision, line.stage])).toEqual([
      ['2026-01-05T11:00:00Z', 'advance', 'stage 25% -> 50%'],
      ['2026-01-05T12:00:00Z', 'advance', 'stage 50% -> 100%']
    ])
  })

  it('names the file and line of a bad metrics line, and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptgate-simulate-'))
    temporary.push(dir)
    const file = join(dir, 'metrics.ndjson')
    await writeFile(
      file,
      '{"at":"2026-01-05T10:05:00Z","prompt":"p","digest":"a","guardrail":"errors","bad":1,"total":10}\n{"at":"yesterday","prompt":"p","digest":"a","guardrail":"errors","bad":1,"total":10}\n'
    )
    const run = await simulate('--metrics', file)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      new RegExp(`^promptgate: ${file.replace(/[.]/g, '\\.')}:2: "at" must be an ISO 8601 time`)
    )
  })

  it('says so when no plan matches a prompt of the file, and when --every is not a duration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promptgate-simulate-'))
    temporary.push(dir)
    const file = join(dir, 'metrics.ndjson')
    await writeFile(
      file,
      '{"at":"2026-01-05T10:05:00Z","prompt":"prompts/other.prompt.yml","digest":"a","guardrail":"errors","bad":1,"total":10}\n'
    )
    const unmatched = await simulate('--metrics', file)
    expect(unmatched.code).toBe(2)
    expect(unmatched.stderr).toContain(
      '.github/promptgate.yml: no rollout plan matches prompts/other.prompt.yml'
    )
    const badEvery = await simulate('--metrics', file, '--every', 'often')
    expect(badEvery.code).toBe(2)
    expect(badEvery.stderr).toContain('--every: "often" is not a duration')
  })
})
