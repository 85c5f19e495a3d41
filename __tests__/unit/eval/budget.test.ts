import { describe, expect, it } from '@jest/globals'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import {
  ASSUMED_OUTPUT_TOKENS,
  countCalls,
  enforceCallCap,
  estimateCost,
  lowestCap
} from '../../../src/eval/budget.js'
import { planEvaluation } from '../../../src/eval/plan.js'
import type { PromptUnderTest } from '../../../src/eval/types.js'
import type { PromptVersion } from '../../../src/prompts/types.js'

function version(text: string, ref: string, maxTokens?: number): PromptVersion {
  return {
    path: 'prompts/a.md',
    ref,
    provider: { id: 'openai:gpt-4o-mini' },
    parameters: maxTokens === undefined ? {} : { maxTokens },
    messages: [{ role: 'user', content: text }]
  } as PromptVersion
}

function prompt(base: string, head: string, assert: AssertionSpec[], extra: Partial<PromptUnderTest> = {}) {
  return {
    path: 'prompts/a.md',
    status: 'modified',
    suite: 's',
    reason: 'prompt changed',
    base: version(base, 'b'),
    head: version(head, 'h'),
    cases: [1, 2, 3].map(n => ({ id: String(n), vars: { n }, assert })),
    thresholds: {},
    ...extra
  } as PromptUnderTest
}

describe('countCalls', () => {
  it('counts outputs per side, merges identical calls, and adds one judge call per model-graded assertion', () => {
    const prompts = [
      prompt('Hi {{n}}', 'Hello {{n}}', [
        { type: 'contains', value: 'x' },
        { type: 'llm-rubric', value: 'polite' },
        { type: 'not-similar', value: 'rude' }
      ])
    ]
    expect(countCalls(prompts, planEvaluation(prompts))).toEqual({
      base: 3,
      head: 3,
      outputs: 6,
      judges: 12,
      total: 18
    })
  })

  it('makes an unchanged side once, and counts repeats', () => {
    const prompts = [prompt('Same {{n}}', 'Same {{n}}', [{ type: 'llm-choice', value: 'x' }], { repeat: 2 })]
    expect(countCalls(prompts, planEvaluation(prompts))).toEqual({
      base: 6,
      head: 6,
      outputs: 6,
      judges: 6,
      total: 12
    })
  })
})

describe('caps', () => {
  it('the lowest cap that is set applies', () => {
    const input = { limit: 2000, source: 'the max-calls input' }
    const config = { limit: 50, source: 'max_calls in c.yml', at: { file: 'c.yml', line: 4 } }
    expect(lowestCap([input, config])).toBe(config)
    expect(lowestCap([undefined, input])).toBe(input)
    expect(lowestCap([undefined, undefined])).toBeUndefined()
  })

  it('a plan at the cap passes; one over it throws at the line of the cap', () => {
    const count = { base: 5, head: 5, outputs: 10, judges: 2, total: 12 }
    expect(() => enforceCallCap(count, { limit: 12, source: '--max-calls' })).not.toThrow()
    expect(() => enforceCallCap(count, undefined)).not.toThrow()
    expect(() =>
      enforceCallCap(count, { limit: 11, source: 'max_calls in c.yml', at: { file: 'c.yml', line: 4 } })
    ).toThrow(
      expect.objectContaining({
        file: 'c.yml',
        line: 4,
        message: expect.stringMatching(
          /^this run's plan needs 12 model calls \(10 outputs and 2 judge calls\), more than the 11 that max_calls in c\.yml allows/
        )
      })
    )
  })
})

describe('estimateCost', () => {
  it('prices distinct output calls from the rendered length and max_tokens at the built-in price', () => {
    const prompts = [prompt(`${'x'.repeat(396)}{{n}}`, 'unused', [])]
    prompts[0]!.head = version(`${'y'.repeat(396)}{{n}}`, 'h', 100)
    const estimate = estimateCost(planEvaluation(prompts), prompts)
    // 6 calls of 100 input tokens; 3 answers of 256 (no max_tokens) and 3 of 100 output tokens.
    expect(estimate.inputTokens).toBe(600)
    expect(estimate.outputTokens).toBe(3 * ASSUMED_OUTPUT_TOKENS + 300)
    expect(estimate.usd).toBeCloseTo((600 * 0.15 + (3 * 256 + 300) * 0.6) / 1e6, 12)
    expect(estimate.unpriced).toEqual([])
  })

  it("uses the config's price first and lists providers with none", () => {
    const prompts = [prompt('ab{{n}}', 'cd{{n}}', [])]
    const priced = estimateCost(planEvaluation(prompts), prompts, {
      'openai:gpt-4o-mini': { inputPerMillion: 1_000_000, outputPerMillion: 0 }
    })
    expect(priced.usd).toBe(6)
    for (const side of ['base', 'head'] as const) prompts[0]![side]!.provider = { id: 'command:./run' }
    expect(estimateCost(planEvaluation(prompts), prompts)).toMatchObject({
      usd: 0,
      unpriced: ['command:./run']
    })
  })
})
