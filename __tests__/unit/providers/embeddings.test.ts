import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ResultCache } from '../../../src/eval/cache.js'
import { runEvaluation } from '../../../src/eval/run.js'
import type { CallResult, PromptUnderTest } from '../../../src/eval/types.js'
import { errorMessage, isUserError } from '../../../src/errors.js'
import type { ProviderRef } from '../../../src/prompts/types.js'
import { createGitHubModelsProvider } from '../../../src/providers/github-models.js'
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible.js'
import type { Provider } from '../../../src/providers/types.js'

const API_KEY = 'sk-test-SECRET-0123456789'

interface Received {
  path: string
  authorization?: string
  body: Record<string, unknown>
}

interface EmbeddingServer {
  url: string
  received: Received[]
}

let server: Server | undefined
afterEach(async () => {
  await new Promise(resolve => (server ? server.close(resolve) : resolve(undefined)))
  server = undefined
})

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
}

/** Answers `POST …/embeddings` as OpenAI does, with the reply `respond` makes from the input texts. */
async function startEmbeddingServer(
  respond: (input: string[]) => { status?: number; body: unknown } = input => ({ body: openAIShape(input) })
): Promise<EmbeddingServer> {
  const received: Received[] = []
  server = createServer((request, response) => {
    void readBody(request).then(body => {
      received.push({ path: request.url ?? '', authorization: request.headers.authorization, body })
      const input = body.input as string[]
      const reply =
        request.method === 'POST' && request.url?.endsWith('/embeddings')
          ? respond(input)
          : { status: 404, body: { error: { message: 'not found' } } }
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(reply.body))
    })
  })
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, received }
}

/** A vector from the text: how often it has the letters a, i and e. */
function vectorOf(text: string): number[] {
  return ['a', 'i', 'e'].map(letter => [...text].filter(char => char === letter).length)
}

function openAIShape(input: string[], order: 'given' | 'reversed' = 'given') {
  const data = input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) }))
  return {
    object: 'list',
    data: order === 'given' ? data : data.reverse(),
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 7, total_tokens: 7 }
  }
}

function providerAt(url: string, model = 'text-embedding-3-small'): Provider {
  return createOpenAICompatibleProvider(
    { id: `openai:${model}` },
    { baseURL: url, apiKey: API_KEY, model, timeoutMs: 5_000, maxRetries: 0 }
  )
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('openai-compatible provider: embeddings', () => {
  it('posts the model and the texts as floats to {baseURL}/embeddings with the key as a bearer token', async () => {
    const fake = await startEmbeddingServer()
    const embeddings = await providerAt(fake.url).embed!(['banana', 'kiwi'])

    expect(embeddings).toEqual({ vectors: [vectorOf('banana'), vectorOf('kiwi')], tokens: 7 })
    expect(fake.received).toEqual([
      {
        path: '/embeddings',
        authorization: `Bearer ${API_KEY}`,
        body: { model: 'text-embedding-3-small', input: ['banana', 'kiwi'], encoding_format: 'float' }
      }
    ])
  })

  it('puts the vectors in input order by their index', async () => {
    const fake = await startEmbeddingServer(input => ({ body: openAIShape(input, 'reversed') }))
    const { vectors } = await providerAt(fake.url).embed!(['a', 'bb', 'ccc'])
    expect(vectors).toEqual([vectorOf('a'), vectorOf('bb'), vectorOf('ccc')])
  })

  it('makes no request for no texts', async () => {
    const fake = await startEmbeddingServer()
    expect(await providerAt(fake.url).embed!([])).toEqual({ vectors: [] })
    expect(fake.received).toEqual([])
  })

  it('rejects a reply without a vector for every text', async () => {
    const fake = await startEmbeddingServer(input => ({ body: openAIShape(input.slice(1)) }))
    const error = await failureOf(providerAt(fake.url).embed!(['one', 'two']))
    expect(errorMessage(error)).toContain('openai:text-embedding-3-small returned no usable embeddings')
  })

  it('describes an HTTP error like a completion error, without the key', async () => {
    const fake = await startEmbeddingServer(() => ({
      status: 400,
      body: { error: { message: `gpt-4o-mini does not support embeddings (key ${API_KEY})` } }
    }))
    const error = await failureOf(providerAt(fake.url, 'gpt-4o-mini').embed!(['x']))
    const message = errorMessage(error)
    expect(message).toContain('400')
    expect(message).toContain('does not support embeddings')
    expect(message).not.toContain(API_KEY)
  })

  it('embeds on GitHub Models with the models token', async () => {
    const fake = await startEmbeddingServer()
    const provider = createGitHubModelsProvider(
      { id: 'github:openai/text-embedding-3-small' },
      'openai/text-embedding-3-small',
      {
        modelsToken: 'ghs_models',
        modelsEndpoint: fake.url,
        env: {},
        timeoutMs: 5_000,
        maxRetries: 0
      }
    )
    expect((await provider.embed!(['hi'])).vectors).toEqual([vectorOf('hi')])
    expect(fake.received[0]).toMatchObject({
      authorization: 'Bearer ghs_models',
      body: { model: 'openai/text-embedding-3-small' }
    })
  })
})

describe('runEvaluation: embeddings for similar', () => {
  /** The writer answers with the last message; embedders embed each text as `vectorOf`; others can't embed. */
  function fakeRegistry() {
    const embedded: Array<{ provider: string; texts: string[] }> = []
    const get = (ref: ProviderRef): Provider => {
      const complete: Provider['complete'] = async request => ({
        output: request.messages.at(-1)!.content,
        latencyMs: 1
      })
      if (!ref.id.includes('embed')) return { ref, complete }
      return {
        ref,
        complete,
        embed: async texts => {
          embedded.push({ provider: ref.id, texts })
          return { vectors: texts.map(vectorOf) }
        }
      }
    }
    return { providers: { get }, embedded }
  }

  function memoryCache(): ResultCache & { entries: Map<string, CallResult> } {
    const entries = new Map<string, CallResult>()
    return {
      dir: 'memory',
      entries,
      get: async hash => entries.get(hash),
      set: async (hash, result) => void entries.set(hash, result),
      flush: async () => undefined,
      hits: 0,
      misses: 0,
      writes: 0,
      failedWrites: 0
    }
  }

  function prompt(assert: PromptUnderTest['cases'][number]['assert'], grader?: ProviderRef): PromptUnderTest {
    const version = (text: string) => ({
      path: 'prompts/p.prompt.yml',
      ref: 'abc1234',
      provider: { id: 'openai:writer' },
      parameters: {},
      messages: [{ role: 'user' as const, content: text }]
    })
    return {
      path: 'prompts/p.prompt.yml',
      status: 'modified',
      suite: 'default',
      reason: 'prompt changed',
      base: version('banana bread'),
      head: version('kiwi'),
      cases: [{ id: '1', vars: {}, assert, source: { file: 'evals/cases.yaml' } }],
      thresholds: {},
      ...(grader ? { grader } : {})
    }
  }

  it("embeds with the assertion's provider, once per distinct text across both sides", async () => {
    const { providers, embedded } = fakeRegistry()
    const assert = [{ type: 'similar', value: 'banana bread', provider: { id: 'openai:embedder' } }]
    const results = await runEvaluation([prompt(assert, { id: 'openai:other-embed' })], { providers })

    const [only] = results.prompts
    expect(only?.base?.[0]?.assertions[0]).toMatchObject({ type: 'similar', pass: true, score: 1 })
    expect(only?.head?.[0]?.assertions[0]?.pass).toBe(false)
    expect(embedded.every(call => call.provider === 'openai:embedder')).toBe(true)
    expect(embedded.map(call => call.texts[0]).sort()).toEqual(['banana bread', 'kiwi'])
  })

  it("falls back to the prompt's grader, and caches the vectors for the next run", async () => {
    const first = fakeRegistry()
    const cache = memoryCache()
    const assert = [{ type: 'similar', value: 'kiwi' }]
    await runEvaluation([prompt(assert, { id: 'openai:grader-embed' })], {
      providers: first.providers,
      cache
    })
    expect(new Set(first.embedded.map(call => call.provider))).toEqual(new Set(['openai:grader-embed']))
    expect(cache.entries.size).toBeGreaterThan(2)

    const second = fakeRegistry()
    const results = await runEvaluation([prompt(assert, { id: 'openai:grader-embed' })], {
      providers: second.providers,
      cache
    })
    expect(second.embedded).toEqual([])
    expect(results.prompts[0]?.head?.[0]?.assertions[0]).toMatchObject({ pass: true, score: 1 })
  })

  it("without an embedding provider, fails the run with a UserError naming the case's file", async () => {
    const { providers } = fakeRegistry()
    const error = await failureOf(
      runEvaluation([prompt([{ type: 'similar', value: 'kiwi' }])], { providers })
    )
    expect(isUserError(error)).toBe(true)
    const message = errorMessage(error)
    expect(message).toMatch(/^evals\/cases\.yaml: openai:writer has no embeddings API/)
    expect(message).toContain('"provider:" on the assertion')
  })

  it('records a failed embedding request as an error on the case, not a crash', async () => {
    const get = (ref: ProviderRef): Provider => ({
      ref,
      complete: async request => ({ output: request.messages.at(-1)!.content, latencyMs: 1 }),
      embed: async () => {
        throw new Error('the server is down')
      }
    })
    const results = await runEvaluation([prompt([{ type: 'similar', value: 'kiwi' }])], {
      providers: { get }
    })
    expect(results.prompts[0]?.head?.[0]?.call.error).toContain(
      'the embeddings of openai:writer failed: the server is down'
    )
  })
})
