import type { AssertionResult } from '../../../src/assertions/types.js'
import type { ChangeStatus } from '../../../src/changes/types.js'
import { compareResults } from '../../../src/compare/compare.js'
import type { ThresholdSet } from '../../../src/compare/types.js'
import type { TestCase } from '../../../src/datasets/types.js'
import type { CaseResult, EvalResults, PromptResults } from '../../../src/eval/types.js'
import type { PromptVersion } from '../../../src/prompts/types.js'
import type { ReportContext, ReportInput } from '../../../src/report/types.js'

/** One side of a case: a string is a passing output; an object says more. */
export type Side =
  | string
  | {
      output?: string
      pass?: boolean
      /** The case's weighted score; defaults to 1 when passing, else 0. */
      score?: number
      /** The metric of the default single assertion. */
      metric?: string
      assertions?: AssertionResult[]
      error?: string
      latencyMs?: number
      tokens?: number
      cost?: number
      cached?: boolean
    }

export interface CaseSpec {
  id?: string
  description?: string
  vars?: Record<string, unknown>
  expected?: string
  base?: Side
  head?: Side
}

export function assertion(
  metric: string,
  pass: boolean,
  score = pass ? 1 : 0,
  extra: Partial<AssertionResult> = {}
): AssertionResult {
  return { metric, type: metric, pass, score, weight: 1, ...extra }
}

export function caseResult(caseId: string, side: Side): CaseResult {
  const spec = typeof side === 'string' ? { output: side } : side
  const failed = spec.error !== undefined
  const pass = !failed && (spec.pass ?? true)
  const score = failed ? 0 : (spec.score ?? (pass ? 1 : 0))
  const assertions = failed ? [] : (spec.assertions ?? [assertion(spec.metric ?? 'icontains', pass, score)])
  return {
    caseId,
    call: {
      output: spec.output ?? '',
      error: spec.error,
      latencyMs: spec.latencyMs ?? 100,
      tokens:
        spec.tokens === undefined
          ? undefined
          : { prompt: spec.tokens - 10, completion: 10, total: spec.tokens },
      cost: spec.cost,
      cached: spec.cached
    },
    assertions,
    pass,
    score
  }
}

export function version(path: string, ref: string): PromptVersion {
  return {
    path,
    ref,
    provider: { id: 'openai:gpt-4o-mini' },
    parameters: { temperature: 0 },
    messages: [{ role: 'user', content: 'Answer {{question}}' }]
  }
}

export interface PromptOptions {
  status?: ChangeStatus
  previousPath?: string
  suite?: string
  reason?: string
  thresholds?: ThresholdSet
}

/** A changed prompt and its results; cases without a `base` side have no base result. */
export function promptResults(path: string, cases: CaseSpec[], options: PromptOptions = {}): PromptResults {
  const status = options.status ?? 'modified'
  const testCases: TestCase[] = cases.map((spec, index) => ({
    id: spec.id ?? String(index + 1),
    description: spec.description,
    vars: spec.vars ?? { question: `question ${index + 1}` },
    expected: spec.expected,
    assert: [{ type: 'icontains', value: '{{expected}}' }]
  }))
  const results = (side: 'base' | 'head') =>
    cases.flatMap((spec, index) => {
      const value = spec[side]
      return value === undefined ? [] : [caseResult(testCases[index]!.id, value)]
    })
  const hasBase = status !== 'added'
  const hasHead = status !== 'removed'
  return {
    prompt: {
      path,
      previousPath: options.previousPath,
      status,
      suite: options.suite ?? 'default',
      reason: options.reason ?? 'prompt changed',
      base: hasBase ? version(options.previousPath ?? path, 'b'.repeat(40)) : undefined,
      head: hasHead ? version(path, 'h'.repeat(40)) : undefined,
      cases: status === 'removed' ? [] : testCases,
      thresholds: options.thresholds ?? { pass_rate: { max_drop: 0 } }
    },
    base: hasBase && status !== 'removed' ? results('base') : undefined,
    head: hasHead ? results('head') : undefined
  }
}

export function evalResults(prompts: PromptResults[], durationMs = 12_345): EvalResults {
  const calls = prompts.reduce((total, p) => total + (p.base?.length ?? 0) + (p.head?.length ?? 0), 0)
  return { prompts, calls, durationMs }
}

/** Compares the results and wraps them with a context whose verdict defaults to the gate's. */
export function reportInput(prompts: PromptResults[], context: Partial<ReportContext> = {}): ReportInput {
  const comparison = compareResults(evalResults(prompts))
  return {
    comparison,
    context: {
      verdict: comparison.verdict,
      baseSha: '1234567890abcdef1234567890abcdef12345678',
      headSha: 'abcdef1234567890abcdef1234567890abcdef12',
      runUrl: 'https://github.com/acme/app/actions/runs/42',
      ...context
    }
  }
}

/** `count` cases made by `make`. */
export function manyCases(count: number, make: (index: number) => CaseSpec): CaseSpec[] {
  return Array.from({ length: count }, (_, index) => make(index))
}

/** A typical modified prompt: one regression, one improvement, one changed, two unchanged. */
export function typicalPrompt(
  path = 'prompts/support/triage.md',
  options: PromptOptions = {}
): PromptResults {
  return promptResults(
    path,
    [
      {
        id: 'refund-fr',
        description: 'Refund request in French',
        vars: { message: 'Je veux être remboursé', customer: 'Ana' },
        expected: 'refund',
        base: 'Category: refund. The customer asks for their money back.',
        head: { output: 'Category: billing. The customer asks about an invoice.', pass: false }
      },
      {
        id: 'shipping',
        vars: { message: 'Where is my parcel?' },
        expected: 'shipping',
        base: { output: 'Category: other.', pass: false },
        head: 'Category: shipping.'
      },
      {
        id: 'greeting',
        vars: { message: 'hi' },
        base: 'Category: other. Hello!',
        head: 'Category: other. Hi there!'
      },
      { id: 'same-1', base: 'Category: account.', head: 'Category: account.' },
      { id: 'same-2', base: 'Category: account.', head: 'Category: account.' }
    ],
    options
  )
}

/** A case that ran several times: each side is a list of runs, one `Side` per run. */
export interface RepeatedSpec {
  id?: string
  description?: string
  base?: Side[]
  head?: Side[]
}

/** Like `promptResults`, with every run of a case as its own result carrying its `repeat` index. */
export function repeatedPromptResults(
  path: string,
  cases: RepeatedSpec[],
  options: PromptOptions = {}
): PromptResults {
  const single = promptResults(
    path,
    cases.map(spec => ({
      id: spec.id,
      description: spec.description,
      base: spec.base?.[0],
      head: spec.head?.[0]
    })),
    options
  )
  const runs = (side: 'base' | 'head') =>
    cases.flatMap((spec, index) =>
      (spec[side] ?? []).map((run, repeat) => ({
        ...caseResult(single.prompt.cases[index]!.id, run),
        repeat
      }))
    )
  return {
    ...single,
    base: single.base === undefined ? undefined : runs('base'),
    head: single.head === undefined ? undefined : runs('head')
  }
}

/** `count` runs of a side: the first `passing` pass, the rest fail. */
export function runs(count: number, passing: number, output = 'answer'): Side[] {
  return Array.from({ length: count }, (_, index) =>
    index < passing ? `${output} ${index}` : { output: `${output} ${index}`, pass: false }
  )
}
