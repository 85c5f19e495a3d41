import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { AssertionContext, AssertionResult, AssertionSpec } from '../../../src/assertions/types.js'
import type { TestCase } from '../../../src/datasets/types.js'
import { UserError } from '../../../src/errors.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import type { PromptVersion, ProviderRef } from '../../../src/prompts/types.js'
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible.js'
import type { Provider } from '../../../src/providers/types.js'
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../../helpers/fake-openai.js'

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
          provider: spec.provider as ProviderRef | undefined
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
