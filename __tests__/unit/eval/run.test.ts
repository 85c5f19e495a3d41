import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AssertionContext, AssertionResult, AssertionSpec } from '../../../src/assertions/types.js'
import type { TestCase } from '../../../src/datasets/types.js'
import type { ResultCache } from '../../../src/eval/cache.js'
import { UserError } from '../../../src/errors.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import type { PromptVersion, ProviderRef } from '../../../src/prompts/types.js'
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible.js'
import type { Provider } from '../../../src/providers/types.js'
import {
  chatCompletionBody,
  startFakeOpenAI,
  type FakeOpenAI,
  type FakeOpenAIOptions
} from '../../helpers/fake-openai.js'

/**
 * Stand-in assertions: `contains` passes when the output contains `value`; `judge` asks the judge
 * `grade: <output>` (with the spec's provider) and passes when it answers "yes".
 */
async function fakeAssertions(specs: AssertionSpec[], context: AssertionContext): Promise<AssertionResult[]> {
  return Promise.all(
    specs.map(async spec => {
      let pass: boolean
      if (spec.type === 'judge') {
        const answer = await context.judge({
          messages: [{ role: 'user', content: `grade: ${context.output}` }],
          provider: spec.provider as ProviderRef | undefined,
          fallback: spec.fallback as ProviderRef | undefined
        })
        pass = answer === 'yes'
      } else {
        pass = context.output.includes(String(spec.value))
      }
      return { type: spec.type, metric: spec.type, weight: spec.weight ?? 1, pass, score: pass ? 1 : 0 }
    })
  )
}

const runAssertions = jest.fn(fakeAssertions)
jest.unstable_mockModule('../../../src/assertions/index.js', () => ({ runAssertions }))
const { runEvaluation } = await import('../../../src/eval/run.js')
const { createResultCache } = await import('../../../src/eval/cache.js')
const { credentialIdentity } = await import('../../../src/providers/credential-identity.js')

let fake: FakeOpenAI | undefined
beforeEach(() => {
  runAssertions.mockReset()
  runAssertions.mockImplementation(fakeAssertions)
})
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

/** A registry over the fake: the model name is whatever follows the kind. */
function fakeProviders(url: string, maxRetries = 0) {
  const made = new Map<string, Provider>()
  const get = jest.fn((ref: ProviderRef): Provider => {
    let provider = made.get(ref.id)
    if (!provider) {
      provider = createOpenAICompatibleProvider(ref, {
        baseURL: url,
        apiKey: 'sk-test',
        model: ref.id.slice(ref.id.indexOf(':') + 1),
        timeoutMs: 5_000,
        maxRetries
      })
      made.set(ref.id, provider)
    }
    return provider
  })
  return { get }
}

async function fakeServer(options: FakeOpenAIOptions): Promise<FakeOpenAI> {
  fake = await startFakeOpenAI(options)
  return fake
}

function version(template: string, model = 'writer'): PromptVersion {
  return {
    path: 'prompts/p.prompt.yml',
    ref: 'abc1234',
    provider: { id: `openai:${model}` },
    parameters: {},
    messages: [{ role: 'user', content: template }]
  }
}

function cases(count: number, assert: AssertionSpec[] = []): TestCase[] {
  return Array.from({ length: count }, (_, index) => ({
    id: String(index + 1),
    vars: { n: index + 1 },
    expected: `answer ${index + 1}`,
    assert
  }))
}

function prompt(overrides: Partial<PromptUnderTest> = {}): PromptUnderTest {
  return {
    path: 'prompts/p.prompt.yml',
    status: 'modified',
    suite: 'prompts/p.prompt.yml',
    reason: 'prompt changed',
    base: version('base {{n}}'),
    head: version('head {{n}}'),
    cases: cases(2, [{ type: 'contains', value: 'head' }]),
    thresholds: {},
    ...overrides
  }
}

const echo: FakeOpenAIOptions = {}

describe('runEvaluation', () => {
  it('runs both versions on the head cases and checks every output', async () => {
    const server = await fakeServer(echo)
    const results = await runEvaluation([prompt()], { providers: fakeProviders(server.url) })

    const [only] = results.prompts
    expect(only?.base?.map(result => [result.caseId, result.call.output, result.pass, result.score])).toEqual(
      [
        ['1', 'base 1', false, 0],
        ['2', 'base 2', false, 0]
      ]
    )
    expect(only?.head?.map(result => [result.caseId, result.call.output, result.pass, result.score])).toEqual(
      [
        ['1', 'head 1', true, 1],
        ['2', 'head 2', true, 1]
      ]
    )
    expect(only?.head?.[0]?.call.tokens).toEqual({ prompt: 2, completion: 2, total: 4 })
    expect(results.calls).toBe(4)
    expect(results.durationMs).toBeGreaterThanOrEqual(0)

    const context = runAssertions.mock.calls.find(([, ctx]) => ctx.output === 'head 1')?.[1]
    expect(context).toMatchObject({ vars: { n: 1 }, expected: 'answer 1', source: 'prompts/p.prompt.yml' })
    expect(context?.latencyMs).toEqual(expect.any(Number))
  })

  it('scores a case by the weighted mean of its assertions', async () => {
    const server = await fakeServer(echo)
    const assert = [
      { type: 'contains', value: 'head', weight: 3 },
      { type: 'contains', value: 'missing', weight: 1 }
    ]
    const results = await runEvaluation(
      [prompt({ base: undefined, status: 'added', cases: cases(1, assert) })],
      {
        providers: fakeProviders(server.url)
      }
    )
    expect(results.prompts[0]?.head?.[0]).toMatchObject({ pass: false, score: 0.75 })
    expect(results.prompts[0]?.base).toBeUndefined()
  })

  it('announces the plan once, before the first model call', async () => {
    const server = await fakeServer(echo)
    const announced: { calls: number; requestsSoFar: number }[] = []
    await runEvaluation([prompt()], {
      providers: fakeProviders(server.url),
      onPlanned: planned => {
        announced.push({ calls: planned.length, requestsSoFar: server.requests.length })
      }
    })
    expect(announced).toEqual([{ calls: 4, requestsSoFar: 0 }])
    expect(server.requests).toHaveLength(4)
  })

  it('gives a removed prompt no results and makes no call for it', async () => {
    const server = await fakeServer(echo)
    const removed = prompt({ status: 'removed', head: undefined })
    const results = await runEvaluation([removed], { providers: fakeProviders(server.url) })
    expect(results.prompts).toEqual([{ prompt: removed }])
    expect(server.requests).toHaveLength(0)
  })

  it('fails on a template error before any model call', async () => {
    const server = await fakeServer(echo)
    const good = prompt()
    const broken = prompt({ path: 'b.prompt.yml', head: version('head {{missing}}') })
    await expect(runEvaluation([good, broken], { providers: fakeProviders(server.url) })).rejects.toThrow(
      UserError
    )
    expect(server.requests).toHaveLength(0)
  })

  it('fails on a provider configuration error before any model call', async () => {
    const server = await fakeServer(echo)
    const providers = fakeProviders(server.url)
    const working = providers.get
    providers.get = jest.fn((ref: ProviderRef) => {
      if (ref.id === 'openai:unconfigured') throw new UserError('openai:unconfigured needs an API key')
      return working(ref)
    })
    const second = prompt({ path: 'q.prompt.yml', head: version('x {{n}}', 'unconfigured') })
    await expect(runEvaluation([prompt(), second], { providers })).rejects.toThrow('needs an API key')
    expect(server.requests).toHaveLength(0)
  })

  it('records a call that fails after its retries and completes the other cases', async () => {
    const server = await fakeServer({
      respond: ({ messages }) => (messages[0]?.content === 'head 2' ? { status: 500 } : messages[0]!.content)
    })
    const results = await runEvaluation(
      [prompt({ cases: cases(3, [{ type: 'contains', value: 'head' }]) })],
      {
        providers: fakeProviders(server.url, 1)
      }
    )

    const head = results.prompts[0]!.head!
    expect(head.map(result => result.pass)).toEqual([true, false, true])
    expect(head[1]).toMatchObject({ caseId: '2', pass: false, score: 0, assertions: [] })
    expect(head[1]?.call.error).toBe('openai:writer answered 500 Internal Server Error after 2 attempts.')
    expect(results.prompts[0]!.base!.every(result => result.call.error === undefined)).toBe(true)
    expect(server.requests.filter(request => request.messages[0]?.content === 'head 2')).toHaveLength(2)
    expect(runAssertions).toHaveBeenCalledTimes(5)
  })

  it('never has more calls in flight than the concurrency, across prompts and sides', async () => {
    const server = await fakeServer({ latencyMs: 25 })
    const prompts = [
      prompt(),
      prompt({ path: 'two.prompt.yml', base: version('b2 {{n}}'), head: version('h2 {{n}}') })
    ]
    prompts.forEach(each => (each.cases = cases(6)))

    const results = await runEvaluation(prompts, { providers: fakeProviders(server.url), concurrency: 3 })

    expect(server.requests).toHaveLength(24)
    expect(server.maxInFlight).toBe(3)
    expect(results.calls).toBe(24)
  })

  it('makes identical calls once and shares the answer', async () => {
    const server = await fakeServer(echo)
    const unchanged = prompt({ base: version('same {{n}}'), head: version('same {{n}}'), cases: cases(3) })
    const progress: Array<[number, number]> = []

    const results = await runEvaluation([unchanged], {
      providers: fakeProviders(server.url),
      onProgress: (done, total) => progress.push([done, total])
    })

    expect(server.requests).toHaveLength(3)
    expect(results.calls).toBe(3)
    expect(results.prompts[0]!.base!.map(result => result.call.output)).toEqual([
      'same 1',
      'same 2',
      'same 3'
    ])
    expect(results.prompts[0]!.head!.map(result => result.call.output)).toEqual([
      'same 1',
      'same 2',
      'same 3'
    ])
    expect(results.prompts[0]!.head![0]!.call).not.toBe(results.prompts[0]!.base![0]!.call)
    expect(progress).toHaveLength(6)
    expect(progress.at(-1)).toEqual([6, 6])
  })
})

describe('runEvaluation: judges', () => {
  const judged = (provider?: ProviderRef) => cases(2, [{ type: 'judge', ...(provider ? { provider } : {}) }])

  it('sends judge calls through the same scheduler', async () => {
    const server = await fakeServer({
      respond: ({ model, messages }) => (model === 'judge' ? 'yes' : messages[0]!.content),
      latencyMs: 20
    })
    const results = await runEvaluation([prompt({ cases: cases(4, [{ type: 'judge' }]) })], {
      providers: fakeProviders(server.url),
      concurrency: 2,
      defaultGrader: { id: 'openai:judge' }
    })

    expect(server.requests.filter(request => request.model === 'judge')).toHaveLength(8)
    expect(results.calls).toBe(16)
    expect(server.maxInFlight).toBe(2)
    expect(results.prompts[0]!.head!.every(result => result.pass)).toBe(true)
  })

  it('asks the assertion provider, else the prompt grader, else the default grader, else the side provider', async () => {
    const server = await fakeServer({
      respond: ({ messages }) => (messages[0]!.content.startsWith('grade') ? 'yes' : 'ok')
    })
    const modelsJudging = () =>
      new Set(
        server.requests.filter(request => request.messages[0]!.content.startsWith('grade')).map(r => r.model)
      )
    const providers = fakeProviders(server.url)

    await runEvaluation(
      [prompt({ cases: judged({ id: 'openai:named' }), grader: { id: 'openai:grader' } })],
      {
        providers,
        defaultGrader: { id: 'openai:default' }
      }
    )
    expect(modelsJudging()).toEqual(new Set(['named']))

    server.requests.length = 0
    await runEvaluation([prompt({ cases: judged(), grader: { id: 'openai:grader' } })], {
      providers,
      defaultGrader: { id: 'openai:default' }
    })
    expect(modelsJudging()).toEqual(new Set(['grader']))

    server.requests.length = 0
    await runEvaluation([prompt({ cases: judged() })], { providers, defaultGrader: { id: 'openai:default' } })
    expect(modelsJudging()).toEqual(new Set(['default']))

    server.requests.length = 0
    await runEvaluation([prompt({ cases: judged() })], { providers })
    expect(modelsJudging()).toEqual(new Set(['writer']))
  })

  it("uses a judge's fallback (the built-ins' openai/gpt-4o) only when no grader is configured", async () => {
    const server = await fakeServer({
      respond: ({ messages }) => (messages[0]!.content.startsWith('grade') ? 'yes' : 'ok')
    })
    const modelsJudging = () =>
      new Set(
        server.requests.filter(request => request.messages[0]!.content.startsWith('grade')).map(r => r.model)
      )
    const providers = fakeProviders(server.url)
    const withFallback = cases(2, [{ type: 'judge', fallback: { id: 'openai:builtin-judge' } }])

    await runEvaluation([prompt({ cases: withFallback })], { providers })
    expect(modelsJudging()).toEqual(new Set(['builtin-judge']))

    server.requests.length = 0
    await runEvaluation([prompt({ cases: withFallback, grader: { id: 'openai:grader' } })], { providers })
    expect(modelsJudging()).toEqual(new Set(['grader']))

    server.requests.length = 0
    await runEvaluation([prompt({ cases: withFallback })], {
      providers,
      defaultGrader: { id: 'openai:default' }
    })
    expect(modelsJudging()).toEqual(new Set(['default']))
  })

  it('judges an output once when both sides gave it', async () => {
    const server = await fakeServer({ respond: ({ model }) => (model === 'judge' ? 'yes' : 'same answer') })
    const results = await runEvaluation([prompt({ cases: cases(3, [{ type: 'judge' }]) })], {
      providers: fakeProviders(server.url),
      defaultGrader: { id: 'openai:judge' }
    })
    expect(server.requests.filter(request => request.model === 'judge')).toHaveLength(1)
    expect(results.calls).toBe(7)
  })

  it('records a failed judge on the case and keeps the output', async () => {
    const server = await fakeServer({
      respond: ({ model }) => (model === 'judge' ? { status: 503 } : 'answer')
    })
    const results = await runEvaluation([prompt({ cases: cases(1, [{ type: 'judge' }]) })], {
      providers: fakeProviders(server.url),
      defaultGrader: { id: 'openai:judge' }
    })
    const head = results.prompts[0]!.head![0]!
    expect(head).toMatchObject({ pass: false, score: 0, assertions: [] })
    expect(head.call.output).toBe('answer')
    expect(head.call.error).toBe(
      'could not check the output: the judge openai:judge failed: openai:judge answered 503 Service Unavailable.'
    )
  })

  it('stops the run on a configuration error from the assertions', async () => {
    const server = await fakeServer(echo)
    runAssertions.mockImplementation(async () => {
      throw new UserError('unknown assertion type "contians"')
    })
    await expect(runEvaluation([prompt()], { providers: fakeProviders(server.url) })).rejects.toThrow(
      'contians'
    )
  })
})

describe('runEvaluation: result cache', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'promptgate-run-cache-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('answers a re-run from the cache without a model call, and marks the results cached', async () => {
    const server = await fakeServer(echo)
    const first = await runEvaluation([prompt()], {
      providers: fakeProviders(server.url),
      cache: createResultCache(dir)
    })
    expect(first).toMatchObject({ calls: 4, cached: 0, errors: 0 })
    expect(first.prompts[0]!.head![0]!.call.cached).toBeUndefined()

    server.requests.length = 0
    const cache = createResultCache(dir)
    const again = await runEvaluation([prompt()], { providers: fakeProviders(server.url), cache })

    expect(server.requests).toHaveLength(0)
    expect(again).toMatchObject({ calls: 0, cached: 4, errors: 0 })
    expect({ hits: cache.hits, writes: cache.writes }).toEqual({ hits: 4, writes: 0 })
    const head = again.prompts[0]!.head!
    expect(head.map(result => [result.call.output, result.call.cached, result.pass])).toEqual([
      ['head 1', true, true],
      ['head 2', true, true]
    ])
    expect(head[0]!.call.tokens).toEqual(first.prompts[0]!.head![0]!.call.tokens)
    expect(head[0]!.call.latencyMs).toBe(first.prompts[0]!.head![0]!.call.latencyMs)
  })

  it('asks only for the side that changed', async () => {
    const server = await fakeServer(echo)
    const cache = createResultCache(dir)
    await runEvaluation([prompt()], { providers: fakeProviders(server.url), cache })
    server.requests.length = 0

    const pushedAgain = prompt({ head: version('head, reworded {{n}}') })
    const results = await runEvaluation([pushedAgain], { providers: fakeProviders(server.url), cache })

    expect(server.requests.map(request => request.messages[0]!.content)).toEqual([
      'head, reworded 1',
      'head, reworded 2'
    ])
    expect(results.prompts[0]!.base!.every(result => result.call.cached)).toBe(true)
    expect(results).toMatchObject({ calls: 2, cached: 2 })
  })

  it('never shares an answer between two suites that differ only in api_key_env, in one run or across runs', async () => {
    const server = await fakeServer(echo)
    const withKey = (apiKeyEnv: string, suite: string): PromptUnderTest => {
      const keyed = (template: string) => ({
        ...version(template),
        provider: { id: 'openai:writer', apiKeyEnv }
      })
      return prompt({ suite, base: keyed('base {{n}}'), head: keyed('head {{n}}') })
    }
    const suites = () => [withKey('TEAM_A_KEY', 'a'), withKey('TEAM_B_KEY', 'b')]
    const env: Record<string, string> = { TEAM_A_KEY: 'sk-a', TEAM_B_KEY: 'sk-b' }
    const cache = () => createResultCache(dir, { credentialOf: ref => credentialIdentity(ref, env) })

    const first = await runEvaluation(suites(), { providers: fakeProviders(server.url), cache: cache() })
    expect(first).toMatchObject({ calls: 8, cached: 0 })

    server.requests.length = 0
    const again = await runEvaluation(suites(), { providers: fakeProviders(server.url), cache: cache() })
    expect(again).toMatchObject({ calls: 0, cached: 8 })

    // Team B's key now belongs to another account: its answers are asked again, team A's are not.
    env.TEAM_B_KEY = 'sk-other-account'
    const rotated = await runEvaluation(suites(), { providers: fakeProviders(server.url), cache: cache() })
    expect(rotated).toMatchObject({ calls: 4, cached: 4 })
  })

  it('caches judge calls too', async () => {
    const server = await fakeServer({
      respond: ({ model, messages }) => (model === 'judge' ? 'yes' : messages[0]!.content)
    })
    const options = () => ({
      providers: fakeProviders(server.url),
      defaultGrader: { id: 'openai:judge' },
      cache: createResultCache(dir)
    })
    const judged = () => prompt({ cases: cases(2, [{ type: 'judge' }]) })
    await runEvaluation([judged()], options())
    expect(server.requests.filter(request => request.model === 'judge')).toHaveLength(4)
    server.requests.length = 0

    const again = await runEvaluation([judged()], options())
    expect(server.requests).toHaveLength(0)
    expect(again.prompts[0]!.head!.every(result => result.pass)).toBe(true)
    expect(again.cached).toBe(8)
  })

  it('never caches a failed call, so the next run asks again', async () => {
    let failing = true
    const server = await fakeServer({
      respond: ({ messages }) =>
        failing && messages[0]?.content === 'head 2' ? { status: 500 } : messages[0]!.content
    })
    const first = await runEvaluation([prompt()], {
      providers: fakeProviders(server.url),
      cache: createResultCache(dir)
    })
    expect(first.errors).toBe(1)

    failing = false
    server.requests.length = 0
    const again = await runEvaluation([prompt()], {
      providers: fakeProviders(server.url),
      cache: createResultCache(dir)
    })
    expect(server.requests.map(request => request.messages[0]!.content)).toEqual(['head 2'])
    expect(again).toMatchObject({ errors: 0, calls: 1, cached: 3 })
    expect(again.prompts[0]!.head![1]!.call).toMatchObject({ output: 'head 2' })
    expect(again.prompts[0]!.head![1]!.call.cached).toBeUndefined()
  })

  it('keeps the answers it got when a configuration error stops the run', async () => {
    // "head 3" is still being answered when the error comes; it is cancelled, not cached.
    let slow = true
    const server = await fakeServer({
      respond: ({ messages }) => {
        const text = messages[0]!.content
        return text === 'head 3' && slow
          ? { status: 200, body: chatCompletionBody('writer', text), delayMs: 5_000 }
          : text
      }
    })
    runAssertions.mockImplementation(async (specs, context) => {
      if (context.output === 'head 2') throw new UserError('unknown assertion type "contians"')
      return fakeAssertions(specs, context)
    })
    const cache = createResultCache(dir)
    await expect(
      runEvaluation([prompt({ cases: cases(3) })], {
        providers: fakeProviders(server.url),
        concurrency: 1,
        cache
      })
    ).rejects.toThrow('contians')
    // base 1-3 and head 1-2 were answered before the error; all are on disk when the run rejects.
    expect(cache.writes).toBe(5)
    expect(server.requests.at(-1)?.messages[0]?.content).toBe('head 3')

    runAssertions.mockImplementation(fakeAssertions)
    slow = false
    server.requests.length = 0
    await runEvaluation([prompt({ cases: cases(3) })], {
      providers: fakeProviders(server.url),
      cache: createResultCache(dir)
    })
    expect(server.requests.map(request => request.messages[0]!.content)).toEqual(['head 3'])
  })
  it('never caches a command, whose answer depends on files no hash covers', async () => {
    const server = await fakeServer(echo)
    const command = (template: string): PromptVersion => ({
      ...version(template),
      provider: { id: 'command:writer' }
    })
    const scripted = () => prompt({ base: command('base {{n}}'), head: command('head {{n}}') })
    const cache = createResultCache(dir)
    await runEvaluation([scripted()], { providers: fakeProviders(server.url), cache })
    const again = await runEvaluation([scripted()], { providers: fakeProviders(server.url), cache })

    expect(server.requests).toHaveLength(8)
    expect({ reads: cache.hits + cache.misses, writes: cache.writes }).toEqual({ reads: 0, writes: 0 })
    expect(again.cached).toBe(0)
  })

  it('sends the calls the cache lacks in plan order, however its reads finish', async () => {
    const server = await fakeServer(echo)
    const disk = createResultCache(dir)
    // Reads that finish in reverse order: the first call's read comes back last.
    let pending = 6
    const slowFirst: ResultCache = {
      ...disk,
      get: hash => new Promise(resolve => setTimeout(() => resolve(disk.get(hash)), 10 * pending--)),
      set: (hash, result) => disk.set(hash, result),
      flush: () => disk.flush()
    }
    await runEvaluation([prompt({ cases: cases(3) })], {
      providers: fakeProviders(server.url),
      concurrency: 1,
      cache: slowFirst
    })
    expect(server.requests.map(request => request.messages[0]!.content)).toEqual([
      'base 1',
      'base 2',
      'base 3',
      'head 1',
      'head 2',
      'head 3'
    ])
  })
})

describe('runEvaluation: repeats', () => {
  it('runs each case n times per side, as separate calls, with the configured temperature', async () => {
    const server = await fakeServer(echo)
    const sampled = prompt({
      repeat: 3,
      base: { ...version('base {{n}}'), parameters: { temperature: 0.7 } },
      head: { ...version('head {{n}}'), parameters: { temperature: 0.7 } }
    })
    const progress: number[] = []
    const results = await runEvaluation([sampled], {
      providers: fakeProviders(server.url),
      onProgress: (_, total) => progress.push(total)
    })

    expect(server.requests).toHaveLength(12)
    expect(new Set(server.requests.map(request => request.body.temperature))).toEqual(new Set([0.7]))
    expect(results.calls).toBe(12)
    expect(progress.at(-1)).toBe(12)
    expect(
      results.prompts[0]!.head!.map(result => [result.caseId, result.repeat, result.call.output])
    ).toEqual([
      ['1', 0, 'head 1'],
      ['1', 1, 'head 1'],
      ['1', 2, 'head 1'],
      ['2', 0, 'head 2'],
      ['2', 1, 'head 2'],
      ['2', 2, 'head 2']
    ])
  })

  it('leaves the repeat index out when a case runs once', async () => {
    const server = await fakeServer(echo)
    const results = await runEvaluation([prompt({ repeat: 1 })], { providers: fakeProviders(server.url) })
    expect(results.prompts[0]!.head!.map(result => 'repeat' in result)).toEqual([false, false])
  })

  it('caches each sample on its own, so a larger repeat asks only for the new samples', async () => {
    const server = await fakeServer(echo)
    const dir = mkdtempSync(join(tmpdir(), 'promptgate-run-cache-'))
    try {
      await runEvaluation([prompt({ repeat: 2 })], {
        providers: fakeProviders(server.url),
        cache: createResultCache(dir)
      })
      expect(server.requests).toHaveLength(8)
      server.requests.length = 0

      const results = await runEvaluation([prompt({ repeat: 3 })], {
        providers: fakeProviders(server.url),
        cache: createResultCache(dir)
      })
      expect(server.requests).toHaveLength(4)
      expect(results.prompts[0]!.head!.map(result => result.call.cached ?? false)).toEqual([
        true,
        true,
        false,
        true,
        true,
        false
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('judges each sample on its own', async () => {
    const server = await fakeServer({ respond: ({ model }) => (model === 'judge' ? 'yes' : 'same answer') })
    await runEvaluation([prompt({ repeat: 2, cases: cases(1, [{ type: 'judge' }]) })], {
      providers: fakeProviders(server.url),
      defaultGrader: { id: 'openai:judge' }
    })
    // Both sides gave the same answer: one judge call per sample, shared by the sides.
    expect(server.requests.filter(request => request.model === 'judge')).toHaveLength(2)
  })

  it.each([0, -1, 1.5])('refuses repeat %p before any call', async repeat => {
    const server = await fakeServer(echo)
    await expect(
      runEvaluation([prompt({ repeat })], { providers: fakeProviders(server.url) })
    ).rejects.toThrow(UserError)
    expect(server.requests).toHaveLength(0)
  })
})

describe('runEvaluation: faults', () => {
  it('counts the cases whose call failed, and keeps every other result', async () => {
    const attempts = new Map<string, number>()
    const server = await fakeServer({
      respond: ({ messages }) => {
        const text = messages[0]!.content
        attempts.set(text, (attempts.get(text) ?? 0) + 1)
        if (text === 'base 1' || text === 'head 3') return { status: 503, headers: { 'retry-after-ms': '1' } }
        // The first attempt of every other call is rate limited; the retry succeeds.
        return attempts.get(text) === 1 ? { status: 429, headers: { 'retry-after-ms': '1' } } : text
      }
    })
    const results = await runEvaluation([prompt({ cases: cases(3, [{ type: 'contains', value: '' }]) })], {
      providers: fakeProviders(server.url, 2)
    })

    expect(results.errors).toBe(2)
    const outcome = (side: 'base' | 'head') =>
      results.prompts[0]![side]!.map(result => result.call.error ?? result.call.output)
    expect(outcome('base')).toEqual([expect.stringContaining('503'), 'base 2', 'base 3'])
    expect(outcome('head')).toEqual(['head 1', 'head 2', expect.stringContaining('503')])
  })

  it('takes up no case after a configuration error stopped the run', async () => {
    const server = await fakeServer(echo)
    runAssertions.mockImplementation(async (specs, context) => {
      if (context.output === 'base 1') throw new UserError('unknown assertion type "contians"')
      return fakeAssertions(specs, context)
    })
    let progress = 0
    await expect(
      runEvaluation([prompt({ cases: cases(20) })], {
        providers: fakeProviders(server.url),
        concurrency: 1,
        onProgress: () => (progress += 1)
      })
    ).rejects.toThrow('contians')
    const [made, reported] = [server.requests.length, progress]
    await new Promise(resolve => setTimeout(resolve, 100))
    expect([server.requests.length, progress]).toEqual([made, reported])
    expect(made).toBeLessThanOrEqual(2)
  })
})

describe('runEvaluation: throughput', () => {
  /** Blocks the thread, as an edit distance over long outputs does. */
  function busy(ms: number): void {
    const until = performance.now() + ms
    while (performance.now() < until) {
      // spin
    }
  }

  it('sends the next requests before checking the outputs that came back together', async () => {
    const server = await fakeServer({ latencyMs: 30 })
    runAssertions.mockImplementation(async (specs, context) => {
      busy(25)
      return fakeAssertions(specs, context)
    })
    const concurrency = 12
    await runEvaluation([prompt({ base: undefined, status: 'added', cases: cases(2 * concurrency) })], {
      providers: fakeProviders(server.url),
      concurrency
    })

    const arrivals = server.requests.map(request => request.receivedAt)
    const secondWave = arrivals[concurrency]! - arrivals[0]!
    // Checking the first wave takes 12 x 25 ms; the second wave must not wait for all of it (it does
    // when every output is checked as soon as it arrives: 30 + 300 ms and more).
    expect(secondWave).toBeLessThan(concurrency * 25)
  })

  it('keeps a bounded window of cases in progress, four per slot', async () => {
    const server = await fakeServer(echo)
    let checking = 0
    let most = 0
    const release: Array<() => void> = []
    runAssertions.mockImplementation(async (specs, context) => {
      checking += 1
      most = Math.max(most, checking)
      await new Promise<void>(resolve => release.push(resolve))
      checking -= 1
      return fakeAssertions(specs, context)
    })
    const run = runEvaluation([prompt({ cases: cases(20) })], {
      providers: fakeProviders(server.url),
      concurrency: 2
    })
    // Let every case that may start get answered, then let the checks finish one by one.
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(server.requests).toHaveLength(8)
    while (release.length > 0 || checking > 0) {
      release.shift()?.()
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    const results = await run
    expect(most).toBe(8)
    expect(results.prompts[0]!.head).toHaveLength(20)
  })
})
