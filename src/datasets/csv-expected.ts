import type { AssertionSpec } from '../assertions/types.js'

/** promptfoo's assertion types that a CSV `__expected` cell may name as `type:value`. */
const TYPES = `
  equals contains icontains contains-any contains-all icontains-any icontains-all starts-with
  regex is-json contains-json is-xml contains-xml is-sql contains-sql is-html contains-html
  levenshtein rouge-n bleu gleu meteor similar word-count latency cost perplexity perplexity-score
  classifier is-refusal finish-reason is-valid-openai-function-call is-valid-openai-tools-call
  llm-rubric g-eval factuality model-graded-factuality model-graded-closedqa answer-relevance
  context-recall context-relevance context-faithfulness javascript python webhook
`
  .trim()
  .split(/\s+/)

/** Older spellings promptfoo still reads. */
const ALIASES: Record<string, string> = { grade: 'llm-rubric', fn: 'javascript', eval: 'javascript' }

const LIST_TYPES = new Set(['contains-any', 'contains-all', 'icontains-any', 'icontains-all'])

const names = [...TYPES, ...Object.keys(ALIASES)].join('|')
const SHORTHAND = new RegExp(`^(not-)?(${names})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`)

/**
 * Reads a CSV `__expected` cell the way promptfoo does: `type:value`, `not-type:value`,
 * `type(threshold):value`; list types split their value on commas; anything else means the
 * output must equal the cell. Unlike promptfoo, no default threshold is filled in: each
 * assertion type applies its own default, as it does when written in YAML.
 */
export function assertionFromExpected(cell: string): AssertionSpec {
  const text = cell.trim()
  const match = SHORTHAND.exec(text)
  if (!match) return { type: 'equals', value: text }
  const [, negation = '', name = '', threshold, rawValue] = match
  const type = `${negation}${ALIASES[name] ?? name}`
  const value = rawValue?.trim()
  const assertion: AssertionSpec = { type }
  if (value !== undefined) {
    assertion.value = LIST_TYPES.has(name)
      ? value
          .split(',')
          .map(item => item.trim())
          .filter(Boolean)
      : value
  }
  if (threshold !== undefined) assertion.threshold = Number(threshold)
  return assertion
}
