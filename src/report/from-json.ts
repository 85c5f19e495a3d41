import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import schema from '../../schema/report.schema.json' with { type: 'json' }
import type { CaseComparison, CaseSamples, Comparison, PromptComparison } from '../compare/types.js'
import { UserError } from '../errors.js'
import type { CaseResult } from '../eval/types.js'
import type { JsonCase, JsonCaseResult, JsonPrompt, JsonReport, JsonSamples } from './json.js'

let validator: ValidateFunction | undefined

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the report' : error.instancePath
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : ''
  return `${where} ${error.message ?? 'is invalid'}${extra}`
}

/**
 * Parses a JSON report another job wrote and holds it to `schema/report.schema.json`. The text is
 * untrusted (a fork's run wrote it): anything the schema does not describe is refused, not ignored.
 */
export function parseJsonReport(text: string, file: string): JsonReport {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UserError(`${file} is not JSON (${error instanceof Error ? error.message : String(error)})`, {
      file
    })
  }
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(schema)
  if (!validator(value)) {
    const problem = validator.errors?.[0]
    throw new UserError(
      `${file} does not follow schema/report.schema.json: ${problem ? describe(problem) : 'invalid'}`,
      { file }
    )
  }
  return value as JsonReport
}

function caseResult(caseId: string, result: JsonCaseResult): CaseResult {
  const { output, error, latencyMs, tokens, cost, cached } = result
  return {
    caseId,
    ...(result.repeat === undefined ? {} : { repeat: result.repeat }),
    call: { output, error, latencyMs, tokens, cost, cached },
    assertions: result.assertions.map(assertion => ({ ...assertion })),
    pass: result.pass,
    score: result.score
  }
}

function samples(caseId: string, side: JsonSamples | undefined): CaseSamples | undefined {
  if (!side) return undefined
  const { passed, passRate, score } = side
  return { results: side.results.map(result => caseResult(caseId, result)), passed, passRate, score }
}

/** A case's shown run; with repeats, the very sample it is, as the renderer finds it by identity. */
function shownRun(caseId: string, result: JsonCaseResult | undefined, side: CaseSamples | undefined) {
  if (!result) return undefined
  const sample = side?.results.find(candidate => (candidate.repeat ?? 0) === (result.repeat ?? 0))
  return sample ?? caseResult(caseId, result)
}

function caseComparison(entry: JsonCase): CaseComparison {
  const { id, description, vars, expected } = entry
  const base = samples(id, entry.samples?.base)
  const head = samples(id, entry.samples?.head)
  return {
    // The report does not carry a case's assertion specs; nothing renders them.
    case: { id, description, vars, expected, assert: [] },
    change: entry.change,
    changedMetrics: [...entry.changedMetrics],
    base: shownRun(id, entry.base, base),
    head: shownRun(id, entry.head, head),
    samples: entry.samples && { base, head }
  }
}

function promptComparison(prompt: JsonPrompt): PromptComparison {
  const { path, previousPath, status, suite, reason, regressed, repeats } = prompt
  return {
    path,
    previousPath,
    status,
    suite,
    reason,
    regressed,
    repeats,
    errors: { ...prompt.errors },
    metrics: prompt.metrics.map(metric => ({ ...metric })),
    cases: prompt.cases.map(caseComparison)
  }
}

/**
 * The comparison a report was built from, so another job renders the comment and check run from the
 * data itself, through the same escaping, rather than trusting markdown someone else rendered.
 */
export function comparisonFromJsonReport(report: JsonReport): Comparison {
  return {
    verdict: report.gateVerdict,
    totals: {
      calls: report.totals.calls,
      tokens: { ...report.totals.tokens },
      cost: { ...report.totals.cost },
      durationMs: report.totals.durationMs
    },
    prompts: report.prompts.map(promptComparison)
  }
}
