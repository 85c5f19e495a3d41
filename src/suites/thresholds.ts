import type { ThresholdConfig, ThresholdConfigSet } from '../config/types.js'
import type { PromptComparison, Threshold, ThresholdSet } from '../compare/types.js'
import { UserError } from '../errors.js'
import type { PromptUnderTest } from '../eval/types.js'
import { closestMatch } from '../prompts/did-you-mean.js'
import type { PipelineWarning } from './types.js'

/** Without thresholds in the config, any drop in pass rate or in an evaluator's mean score regresses. */
export const DEFAULT_THRESHOLDS: ThresholdSet = { pass_rate: { max_drop: 0 }, '*': { max_drop: 0 } }

/**
 * Config names for what the compare module measures on the calls. `latency` and `cost` are also
 * promptfoo assertion types (scored 0 or 1), so only the call-metric bounds move over.
 */
const CALL_METRIC_NAMES: Record<string, string> = { latency: 'latency_ms', cost: 'cost_usd' }
const CALL_BOUNDS = ['max', 'max_increase'] as const
const SCORE_BOUNDS = ['min', 'max_drop'] as const

/** A threshold as the config names it, and the metrics of the compare module it bounds. */
export interface NamedThreshold {
  name: string
  metrics: string[]
  line?: number
}

export interface ConfiguredThresholds {
  set: ThresholdSet
  named: NamedThreshold[]
}

function pick(threshold: ThresholdConfig, bounds: readonly (keyof Threshold)[]): Threshold | undefined {
  const picked: Threshold = {}
  for (const bound of bounds) if (threshold[bound] !== undefined) picked[bound] = threshold[bound]
  if (Object.keys(picked).length === 0) return undefined
  if (threshold.significance !== undefined) picked.significance = threshold.significance
  return picked
}

/**
 * The config's thresholds in the compare module's terms. `latency` and `cost` with `max` or
 * `max_increase` bound the calls' mean latency in milliseconds and cost in USD (`latency_ms`,
 * `cost_usd`); with `min` or `max_drop` they bound the assertion metrics of those names. With no
 * thresholds at all, the defaults apply.
 */
export function configuredThresholds(
  thresholds: ThresholdConfigSet,
  lines: Record<string, number> = {}
): ConfiguredThresholds {
  const names = Object.keys(thresholds)
  if (names.length === 0) return { set: DEFAULT_THRESHOLDS, named: [] }
  const set: ThresholdSet = {}
  const named: NamedThreshold[] = []
  for (const name of names) {
    const threshold = thresholds[name]!
    const callMetric = CALL_METRIC_NAMES[name]
    const metrics: string[] = []
    if (callMetric) {
      const call = pick(threshold, CALL_BOUNDS)
      const score = pick(threshold, SCORE_BOUNDS)
      if (call) {
        set[callMetric] = call
        metrics.push(callMetric)
      }
      if (score || !call) {
        set[name] = score ?? { ...threshold }
        metrics.push(name)
      }
    } else {
      set[name] = { ...threshold }
      metrics.push(name)
    }
    named.push({ name, metrics, line: lines[name] })
  }
  return { set, named }
}

/** Thresholds of one scope (a suite, or the top level for standalone prompt files). */
export interface ThresholdScope {
  /** How a message names the scope, e.g. `suite "triage"`. */
  label: string
  named: NamedThreshold[]
}

function measured(comparison: PromptComparison): Set<string> {
  return new Set(
    comparison.metrics
      .filter(metric => metric.base !== undefined || metric.head !== undefined)
      .map(metric => metric.metric)
  )
}

/**
 * One warning per configured threshold whose metric no evaluated prompt of its scope measured:
 * a misspelt metric name would otherwise gate nothing without anyone noticing.
 */
export function unusedThresholdWarnings(
  evaluated: { scope: ThresholdScope; comparison: PromptComparison }[],
  configFile: string
): PipelineWarning[] {
  const byScope = new Map<ThresholdScope, Set<string>>()
  for (const { scope, comparison } of evaluated) {
    if (comparison.status === 'removed' || comparison.cases.length === 0) continue
    const seen = byScope.get(scope) ?? new Set<string>()
    for (const metric of measured(comparison)) seen.add(metric)
    byScope.set(scope, seen)
  }
  const warnings: PipelineWarning[] = []
  for (const [scope, seen] of byScope) {
    for (const threshold of scope.named) {
      if (threshold.name === '*' || threshold.metrics.some(metric => seen.has(metric))) continue
      const known = [...seen].filter(metric => metric !== '*').join(', ')
      warnings.push({
        message:
          `the threshold "${threshold.name}" of ${scope.label} gates nothing: no evaluated prompt has a ` +
          `metric of that name (the metrics are ${known}); fix the name or remove the threshold`,
        file: configFile,
        line: threshold.line
      })
    }
  }
  return warnings
}

/** Names a threshold may use whatever the prompts measure: the pass rate and the call metrics. */
const ALWAYS_MEASURED = ['pass_rate', 'latency', 'cost', 'latency_ms', 'cost_usd', 'tokens']

/** The metric each of a prompt's assertions reports under, as `runAssertion` names it. */
function plannedMetrics(prompt: PromptUnderTest): string[] {
  return prompt.cases.flatMap(testCase =>
    testCase.assert.map(spec =>
      typeof spec.metric === 'string' && spec.metric !== '' ? spec.metric : spec.type
    )
  )
}

/** Short names are closer to each other by chance, so they get one edit, longer ones two. */
function closeTo(name: string, known: readonly string[]): string | undefined {
  return closestMatch(name, known, name.length >= 6 ? 2 : 1)
}

/**
 * Before any model call: a threshold whose name is no metric the plan measures but is one or two
 * letters from one (`pass_rat`) is an error at its config line. A typo must not switch the gate
 * off. A name far from every metric may be an evaluator these prompts lack, so it stays the
 * warning of `unusedThresholdWarnings`, after the run.
 */
export function checkThresholdNames(
  scoped: readonly { scope: ThresholdScope; prompt: PromptUnderTest }[],
  configFile: string
): void {
  const byScope = new Map<ThresholdScope, Set<string>>()
  for (const { scope, prompt } of scoped) {
    if (!prompt.head) continue
    const known = byScope.get(scope) ?? new Set<string>(ALWAYS_MEASURED)
    for (const metric of plannedMetrics(prompt)) known.add(metric)
    byScope.set(scope, known)
  }
  for (const [scope, known] of byScope) {
    for (const threshold of scope.named) {
      if (threshold.name === '*' || known.has(threshold.name)) continue
      const match = closeTo(threshold.name, [...known])
      if (match === undefined) continue
      throw new UserError(
        `the threshold "${threshold.name}" of ${scope.label} names no metric; did you mean "${match}"? ` +
          'A misspelt threshold would gate nothing, so promptgate stops before any model call: fix the name',
        { file: configFile, line: threshold.line }
      )
    }
  }
}
