import type { AcceptedOverride, RefusedOverride } from '../compare/override.js'
import type { AssertionResult } from '../assertions/types.js'
import type {
  CaseChange,
  CaseComparison,
  CaseSamples,
  Comparison,
  MetricComparison,
  PromptComparison,
  Verdict
} from '../compare/types.js'
import type { ChangeStatus } from '../changes/types.js'
import type { CaseResult } from '../eval/types.js'
import { buildGhModelsJson, type GhModelsEvaluation } from './gh-models-json.js'
import type { ReportInput } from './types.js'

/** The machine-readable report (`report-path`); `schema/report.schema.json` describes it. */
export interface JsonReport {
  schemaVersion: 1
  /** The final verdict, after the override label. */
  verdict: Verdict
  /** The verdict before any override. */
  gateVerdict: Comparison['verdict']
  overrideLabel?: string
  /** Who accepted the regression, and when. */
  override?: AcceptedOverride
  /** An override label that did not count, and why. */
  overrideRefused?: RefusedOverride
  error?: string
  baseSha?: string
  headSha?: string
  /** The pull request's number, when the run was about one. */
  pullRequest?: number
  runUrl?: string
  totals: Comparison['totals']
  prompts: JsonPrompt[]
  /** Each `*.prompt.yml` file's head rows in the shape of `gh models eval --json`. */
  gh_models?: GhModelsEvaluation[]
}

export interface JsonPrompt {
  path: string
  previousPath?: string
  status: ChangeStatus
  suite: string
  reason: string
  regressed: boolean
  errors: { base: number; head: number }
  counts: Record<CaseChange, number>
  /** The most runs any case had on a side, when more than one. */
  repeats?: number
  metrics: JsonMetric[]
  cases: JsonCase[]
}

/** A metric as the comparison gives it; `schema/report.schema.json` pins its public shape. */
export type JsonMetric = MetricComparison

export interface JsonCase {
  id: string
  description?: string
  vars: Record<string, unknown>
  expected?: string
  change: CaseChange
  changedMetrics: string[]
  base?: JsonCaseResult
  head?: JsonCaseResult
  /** Every run per side, when the case ran more than once; `base` and `head` are one of them. */
  samples?: { base?: JsonSamples; head?: JsonSamples }
}

export interface JsonSamples {
  runs: number
  passed: number
  passRate: number
  score: number
  results: JsonCaseResult[]
}

export interface JsonCaseResult {
  /** The run's 0-based index, only for a case that ran more than once. */
  repeat?: number
  output: string
  error?: string
  latencyMs: number
  tokens?: { prompt: number; completion: number; total: number }
  cost?: number
  cached: boolean
  pass: boolean
  score: number
  assertions: JsonAssertion[]
}

export interface JsonAssertion {
  metric: string
  type: string
  pass: boolean
  score: number
  weight: number
  reason?: string
}

/** Drops keys whose value is undefined, so the JSON matches the schema's optional fields exactly. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T
}

/** Vars pass through JSON so the report holds only what a file can (no functions, no `undefined`). */
function plainVars(vars: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(vars ?? {})) as Record<string, unknown>
}

function assertion(result: AssertionResult): JsonAssertion {
  const { metric, type, pass, score, weight, reason } = result
  return defined({ metric, type, pass, score, weight, reason })
}

function caseResult(result: CaseResult, repeated: boolean): JsonCaseResult {
  const { call } = result
  return defined({
    repeat: repeated ? (result.repeat ?? 0) : undefined,
    output: call.output,
    error: call.error,
    latencyMs: call.latencyMs,
    tokens: call.tokens && {
      prompt: call.tokens.prompt,
      completion: call.tokens.completion,
      total: call.tokens.total
    },
    cost: call.cost,
    cached: call.cached ?? false,
    pass: result.pass,
    score: result.score,
    assertions: result.assertions.map(assertion)
  })
}

function samplesEntry(samples: CaseSamples | undefined): JsonSamples | undefined {
  if (!samples) return undefined
  return {
    runs: samples.results.length,
    passed: samples.passed,
    passRate: samples.passRate,
    score: samples.score,
    results: samples.results.map(result => caseResult(result, true))
  }
}

function caseEntry(comparison: CaseComparison): JsonCase {
  const { case: testCase, samples } = comparison
  const repeated = samples !== undefined
  return defined({
    id: testCase.id,
    description: testCase.description,
    vars: plainVars(testCase.vars),
    expected: testCase.expected,
    change: comparison.change,
    changedMetrics: [...comparison.changedMetrics],
    base: comparison.base && caseResult(comparison.base, repeated),
    head: comparison.head && caseResult(comparison.head, repeated),
    samples: samples && defined({ base: samplesEntry(samples.base), head: samplesEntry(samples.head) })
  })
}

function metricEntry(metric: MetricComparison): JsonMetric {
  const { threshold, discordant, interval } = metric
  return defined({
    ...metric,
    threshold: threshold && defined({ ...threshold }),
    discordant: discordant && { ...discordant },
    interval: interval && { ...interval }
  })
}

function promptEntry(prompt: PromptComparison): JsonPrompt {
  const counts: Record<CaseChange, number> = {
    error: 0,
    regressed: 0,
    improved: 0,
    changed: 0,
    new: 0,
    unchanged: 0
  }
  for (const item of prompt.cases) counts[item.change] += 1
  return defined({
    path: prompt.path,
    previousPath: prompt.previousPath,
    status: prompt.status,
    suite: prompt.suite,
    reason: prompt.reason,
    regressed: prompt.regressed,
    errors: { ...prompt.errors },
    counts,
    repeats: prompt.repeats,
    metrics: prompt.metrics.map(metricEntry),
    cases: prompt.cases.map(caseEntry)
  })
}

/** Every case with both outputs and every assertion, the aggregates and the verdict. */
export function buildJsonReport(input: ReportInput): JsonReport {
  const { comparison, context } = input
  const { totals } = comparison
  const ghModels = buildGhModelsJson(comparison)
  return defined({
    schemaVersion: 1 as const,
    verdict: context.verdict,
    gateVerdict: comparison.verdict,
    overrideLabel: context.overrideLabel,
    override: context.override && { ...context.override },
    overrideRefused: context.overrideRefused && { ...context.overrideRefused },
    error: context.error,
    baseSha: context.baseSha,
    headSha: context.headSha,
    pullRequest: context.pullRequest,
    runUrl: context.runUrl,
    totals: {
      calls: totals.calls,
      tokens: { ...totals.tokens },
      cost: { ...totals.cost },
      durationMs: totals.durationMs
    },
    prompts: comparison.prompts.map(promptEntry),
    gh_models: ghModels.length > 0 ? ghModels : undefined
  })
}
