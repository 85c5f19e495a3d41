import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import type { AssertionSpec } from '../../../../src/assertions/types.js'
import { check } from './context.js'

/** Written by scripts/promptfoo-reference.mjs from promptfoo's own assertion code. */
interface ReferenceCase {
  type: string
  value?: unknown
  threshold?: number
  output: string
  latencyMs?: number
  cost?: number
  pass: boolean
  score: number
}

const reference = JSON.parse(
  readFileSync(new URL('../../../fixtures/promptfoo-agreement/reference.json', import.meta.url), 'utf8')
) as { promptfooVersion: string; cases: ReferenceCase[] }

/**
 * Cases where promptgate deliberately answers differently, with why. Each must still differ, so
 * the list is revisited when either side changes.
 */
const KNOWN_DIVERGENCES: Record<string, string> = {
  'contains-json|Use {name} in the template.':
    'promptfoo reads `{name}` as a YAML mapping; it is not JSON, and a gate should not pass it',
  'contains-json|cut off: {"a": 1, "b": 2':
    'promptfoo closes an object cut off by the end of the output; a truncated object is not JSON'
}

const keyOf = (testCase: ReferenceCase) => `${testCase.type}|${testCase.output}`
const label = (testCase: ReferenceCase) =>
  `${testCase.type} ${JSON.stringify(testCase.value)} on ${JSON.stringify(testCase.output)}` +
  (testCase.threshold === undefined ? '' : ` (threshold ${testCase.threshold})`)

async function ours(testCase: ReferenceCase) {
  const { type, value, threshold, output, latencyMs, cost } = testCase
  const spec: AssertionSpec = { type, value, ...(threshold === undefined ? {} : { threshold }) }
  return check(spec, output, { latencyMs, cost })
}

describe(`agreement with promptfoo ${reference.promptfooVersion}`, () => {
  const agreeing = reference.cases.filter(testCase => !(keyOf(testCase) in KNOWN_DIVERGENCES))
  const diverging = reference.cases.filter(testCase => keyOf(testCase) in KNOWN_DIVERGENCES)

  it('covers levenshtein, rouge-n and bleu with at least 8 cases each', () => {
    for (const type of ['levenshtein', 'rouge-n', 'bleu']) {
      expect(reference.cases.filter(testCase => testCase.type === type).length).toBeGreaterThanOrEqual(8)
    }
  })

  it.each(agreeing.map(testCase => [label(testCase), testCase] as const))('%s', async (_label, testCase) => {
    const outcome = await ours(testCase)
    expect(outcome.pass).toBe(testCase.pass)
    expect(Math.abs(outcome.score - testCase.score)).toBeLessThan(1e-6)
  })

  it.each(diverging.map(testCase => [label(testCase), testCase] as const))(
    'differs on purpose: %s',
    async (_label, testCase) => {
      expect((await ours(testCase)).pass).toBe(!testCase.pass)
    }
  )
})
