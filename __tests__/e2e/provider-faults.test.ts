/**
 * A bad day at the model provider: a 200 whose body is cut off, a server that never answers, one
 * that keeps timing out, an evaluation that outlives its deadline, and a rate limit that asks to wait
 * longer than the deadline allows. Each must end in seconds with the right verdict and a message
 * that says what happened and what to change.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import type { FakeRequest, FakeResponse } from '../helpers/fake-openai.js'
import { NODE } from '../helpers/run-action.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel, sentimentPrompt } from '../helpers/sentiment.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

const TOKEN = 'ghs_e2eProviderFaults0123456789'
const PROMPT = SENTIMENT_PROMPT
const CLI = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'cli.js')
const HOUR_MS = 3_600_000

afterEach(closeWorlds)

/** The sentiment prompt with `count` rows, so a run has more calls than the concurrency of 8. */
function manyRows(instruction: string, count: number): string {
  const rows = Array.from(
    { length: count },
    (_, i) => `  - review: I love it, take ${i}\n    expected: positive`
  )
  return sentimentPrompt(instruction).replace(
    /testData:\n(?: {2}- .*\n {4}.*\n)+/,
    `testData:\n${rows.join('\n')}\n`
  )
}

function world(respond: (request: FakeRequest) => string | FakeResponse, rows = 0): Promise<World> {
  const base = rows ? manyRows('Answer with one word.', rows) : ONE_WORD
  const head = rows ? manyRows('Be friendly and helpful.', rows) : CHATTY
  return startWorld({ [PROMPT]: base }, { [PROMPT]: head }, { token: TOKEN, respond })
}

const hang = (): FakeResponse => ({ status: 200, body: { never: 'sent' }, delayMs: HOUR_MS })

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now()
  const result = await work()
  return { result, ms: Date.now() - started }
}

const errors = (run: { annotations: { level: string; message: string }[] }) =>
  run.annotations.filter(annotation => annotation.level === 'error').map(annotation => annotation.message)

describe('a 200 whose body is cut off', () => {
  it('is retried like a 5xx, and the run ends as if nothing happened', async () => {
    const seen = new Set<string>()
    const w = await world(request => {
      const key = JSON.stringify(request.messages)
      if (!seen.has(key)) {
        seen.add(key)
        return {
          status: 200,
          body: '{"id":"chatcmpl-1","object":"chat.compl',
          headers: { 'content-type': 'application/json' }
        }
      }
      return sentimentModel(request)
    })
    const run = await w.run()
    expect(run.outputs.verdict).toBe('regressed')
    expect(run.exitCode).toBe(1)
    // 3 rows x 2 sides, each asked twice: the cut-off answer, then the good one.
    expect(w.model.requests).toHaveLength(12)
    expect(run.summary).not.toMatch(/not valid JSON|cut off/)
  }, 30_000)
})

describe('a model server that never answers', () => {
  it('costs seconds: each request times out, is retried twice, and the breaker stops the rest', async () => {
    const w = await world(hang, 30)
    const { result: run, ms } = await timed(() => w.run({ inputs: { 'request-timeout': '0.3' } }))
    expect(ms).toBeLessThan(20_000)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    // 60 calls planned; only the 8 in flight, and the 2 that replaced the first to time out before
    // the third tripped the breaker, reached the server, 3 attempts each.
    expect(w.model.requests.length).toBeLessThanOrEqual((8 + 2) * 3)
    expect(w.model.requests.length).toBeGreaterThanOrEqual(3 * 3)
    expect(run.summary).toMatch(/did not answer within 300 ms in any of 3 attempts/)
    expect(run.summary).toMatch(/timed out on \d+ calls in a row/)
  }, 30_000)

  it('ends at the deadline with the verdict error, naming the input', async () => {
    const w = await world(hang)
    const { result: run, ms } = await timed(() => w.run({ inputs: { deadline: '0.05' } }))
    expect(ms).toBeLessThan(15_000)
    expect(ms).toBeGreaterThanOrEqual(3_000)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    expect(errors(run).join('\n')).toMatch(/passed its deadline of 0\.05 minutes \(the "deadline" input\)/)
    expect(run.summary).toMatch(/deadline/)
  }, 30_000)

  it('is stopped by --request-timeout and --deadline in the CLI too', async () => {
    const w = await world(hang)
    const cli = (...flags: string[]) =>
      timed(
        () =>
          new Promise<{ code: number; stderr: string }>(done => {
            const child = spawn(
              NODE,
              [
                CLI,
                '--repo',
                w.repo.dir,
                '--base',
                w.repo.baseSha,
                '--head',
                w.repo.headSha,
                '--models-endpoint',
                w.model.url,
                ...flags
              ],
              { env: { PATH: process.env.PATH ?? '', GITHUB_TOKEN: TOKEN } }
            )
            let stderr = ''
            child.stderr.on('data', chunk => (stderr += chunk))
            child.on('close', code => done({ code: code ?? -1, stderr }))
          })
      )
    const timeout = await cli('--request-timeout', '0.2')
    expect(timeout.ms).toBeLessThan(15_000)
    expect(timeout.result.code).toBe(2)
    expect(timeout.result.stderr).toMatch(/verdict error/)

    const deadline = await cli('--deadline', '0.03')
    expect(deadline.ms).toBeLessThan(15_000)
    expect(deadline.result.code).toBe(2)
    expect(deadline.result.stderr).toMatch(/passed its deadline of 0\.03 minutes \(--deadline\)/)

    const bad = await cli('--deadline', 'soon')
    expect(bad.result.code).toBe(2)
    expect(bad.result.stderr).toMatch(/--deadline takes a number above 0, not "soon"/)
  }, 60_000)
})

describe('a rate limit that asks to wait past the deadline', () => {
  it('ends the run at once, saying when to retry and what to lower', async () => {
    const w = await world(() => ({ status: 429, headers: { 'retry-after': '600' } }))
    const { result: run, ms } = await timed(() => w.run({ inputs: { deadline: '5' } }))
    expect(ms).toBeLessThan(10_000)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    const message = errors(run).join('\n')
    expect(message).toMatch(
      /rate-limited and asks to wait 600 s, past the deadline of 5 minutes \(the "deadline" input\)/
    )
    expect(message).toMatch(/Retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/)
    expect(message).toMatch(
      /"concurrency", the provider's "requests_per_minute", or the size of the golden set/
    )
    // No retry was made: one request per call in flight at most.
    expect(w.model.requests.length).toBeLessThanOrEqual(6)
  }, 30_000)

  it('is waited out when it fits', async () => {
    let limited = false
    const w = await world(request => {
      if (!limited) {
        limited = true
        return { status: 429, headers: { 'retry-after': '1' } }
      }
      return sentimentModel(request)
    })
    const run = await w.run({ inputs: { deadline: '5' } })
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.model.requests).toHaveLength(7)
  }, 30_000)
})

it('refuses a request-timeout that is not a positive number, naming the input', async () => {
  const w = await world(sentimentModel)
  const run = await w.run({ inputs: { 'request-timeout': '-1' } })
  expect(run.exitCode).toBe(1)
  expect(errors(run).join('\n')).toMatch(
    /input "request-timeout" must be a number of seconds above 0, not "-1"/
  )
})
