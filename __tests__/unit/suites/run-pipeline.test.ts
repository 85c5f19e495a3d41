import { describe, expect, it } from '@jest/globals'
import type { ProviderRef } from '../../../src/prompts/types.js'
import type { CompletionRequest, Provider } from '../../../src/providers/types.js'
import { runPipeline } from '../../../src/pipeline.js'
import { memorySource, type Tree } from './memory-source.js'

const CONFIG = '.github/promptgate.yml'
const lines = (...text: string[]) => `${text.join('\n')}\n`

/** Records every call; `answer` decides the output from the provider id and the request. */
function fakeProviders(answer: (id: string, request: CompletionRequest) => string) {
  const calls: { id: string; request: CompletionRequest }[] = []
  return {
    calls,
    registry: {
      get(ref: ProviderRef): Provider {
        return {
          ref,
          complete: async request => {
            calls.push({ id: ref.id, request })
            return { output: answer(ref.id, request), latencyMs: 5 }
          }
        }
      }
    }
  }
}

function config(model: string, thresholds: string[] = []): string {
  return lines(
    'version: 1',
    `provider: { id: 'openai:${model}', base_url: 'http://localhost:9/v1' }`,
    'suites:',
    '  - name: triage',
    '    prompts: prompts/*.md',
    '    tests:',
    "      - vars: { title: 'App crashes', expected: bug }",
    "      - vars: { title: 'Add dark mode', expected: feature }",
    '    assert:',
    "      - { type: equals, value: '{{expected}}' }",
    ...thresholds
  )
}

const tree = (model: string, thresholds?: string[]): Tree => ({
  [CONFIG]: config(model, thresholds),
  'prompts/triage.md': '---\nsystem: Answer with one word.\n---\nLabel: {{title}}'
})

/** A good model answers the label; the "chatty" one wraps it in a sentence. */
const labeller = (id: string, request: CompletionRequest) => {
  const label = /crash/.test(request.messages.at(-1)?.content ?? '') ? 'bug' : 'feature'
  return id.endsWith('chatty') ? `I think it is a ${label}.` : label
}

describe('runPipeline with a config', () => {
  it('measures a model change in the config: the base side runs the base model, the head side the new one', async () => {
    const providers = fakeProviders(labeller)
    const outcome = await runPipeline({
      source: memorySource(tree('good'), tree('chatty')),
      providers: providers.registry,
      env: {}
    })
    expect(providers.calls.map(call => call.id).sort()).toEqual([
      'openai:chatty',
      'openai:chatty',
      'openai:good',
      'openai:good'
    ])
    const [prompt] = outcome.comparison.prompts
    expect(prompt?.reason).toBe('config changed: provider model openai:good → openai:chatty')
    expect(prompt?.metrics.find(metric => metric.metric === 'equals')).toMatchObject({
      base: 1,
      head: 0,
      status: 'broken'
    })
    expect(outcome.comparison.verdict).toBe('regressed')
    expect(outcome.config?.suites.map(suite => suite.name)).toEqual(['triage'])
  })

  it('warns about a threshold that names no measured metric, at its config line', async () => {
    const thresholds = ['    thresholds:', '      pass_rate: { max_drop: 0 }', '      rouge: { max_drop: 0 }']
    const base = tree('good', thresholds)
    const head = { ...base, 'prompts/triage.md': 'Label: {{title}}' }
    const outcome = await runPipeline({
      source: memorySource(base, head),
      providers: fakeProviders(labeller).registry,
      env: {}
    })
    expect(outcome.comparison.verdict).toBe('pass')
    expect(outcome.warnings).toEqual([
      expect.objectContaining({
        file: CONFIG,
        line: 13,
        message: expect.stringMatching(/^the threshold "rouge" of suite "triage" gates nothing/)
      })
    ])
  })

  it('stops before any model call at a threshold one letter from a measured metric, with a did-you-mean', async () => {
    const thresholds = ['    thresholds:', '      pass_rat: { max_drop: 0 }']
    const base = tree('good', thresholds)
    const head = { ...base, 'prompts/triage.md': 'Label: {{title}}' }
    const providers = fakeProviders(labeller)
    const run = runPipeline({ source: memorySource(base, head), providers: providers.registry, env: {} })
    await expect(run).rejects.toMatchObject({
      name: 'UserError',
      file: CONFIG,
      line: 12,
      message: expect.stringMatching(
        /^the threshold "pass_rat" of suite "triage" names no metric; did you mean "pass_rate"\?/
      )
    })
    expect(providers.calls).toHaveLength(0)
  })

  it('stops at a misspelt assertion metric too (equal for equals)', async () => {
    const thresholds = ['    thresholds:', '      pass_rate: { max_drop: 0 }', '      equal: { max_drop: 0 }']
    const base = tree('good', thresholds)
    const head = { ...base, 'prompts/triage.md': 'Label: {{title}}' }
    const run = runPipeline({
      source: memorySource(base, head),
      providers: fakeProviders(labeller).registry,
      env: {}
    })
    await expect(run).rejects.toMatchObject({
      line: 13,
      message: expect.stringMatching(/did you mean "equals"/)
    })
  })

  it('fails on the head config before any model call', async () => {
    const providers = fakeProviders(labeller)
    const head = { ...tree('good'), [CONFIG]: config('good').replace('version: 1', 'version: 2') }
    await expect(
      runPipeline({ source: memorySource(tree('good'), head), providers: providers.registry, env: {} })
    ).rejects.toMatchObject({ file: CONFIG, line: 1, column: 10 })
    expect(providers.calls).toEqual([])
  })

  it('fails on an unknown assertion type at its line, before any model call', async () => {
    const providers = fakeProviders(labeller)
    const head = {
      ...tree('good'),
      'prompts/triage.md': 'Label it: {{title}}',
      [CONFIG]: config('good').replace('type: equals', 'type: equalz')
    }
    const run = runPipeline({
      source: memorySource(tree('good'), head),
      providers: providers.registry,
      env: {}
    })
    await expect(run).rejects.toThrow('unknown assertion type "equalz"; did you mean "equals"?')
    await expect(run).rejects.toMatchObject({ file: CONFIG })
    expect(providers.calls).toEqual([])
  })
})
