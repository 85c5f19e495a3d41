import type { AssertionHandler } from '../types.js'
import { bleu } from './bleu.js'
import { cost, latency } from './budget.js'
import { containsHandlers } from './contains.js'
import { equals } from './equals.js'
import { containsJson, isJson, isValidJsonSchema } from './json.js'
import { levenshtein } from './levenshtein.js'
import { regex } from './regex.js'
import { rougeN } from './rouge.js'
import { startsWith } from './starts-with.js'
import { wordCount } from './word-count.js'

/** promptfoo's deterministic assertion types by name (without the `not-` prefix). */
export const deterministicHandlers: Record<string, AssertionHandler> = {
  equals,
  ...containsHandlers,
  'starts-with': startsWith,
  regex,
  'is-json': isJson,
  'contains-json': containsJson,
  'is-valid-json-schema': isValidJsonSchema,
  'json-schema': isValidJsonSchema,
  levenshtein,
  'rouge-n': rougeN,
  bleu,
  'word-count': wordCount,
  latency,
  cost
}

/**
 * Types whose handler reads `threshold` itself, with promptfoo's meaning and default, and already
 * returns the final `pass`. For `levenshtein`, `latency` and `cost` the threshold is a maximum
 * (edits, milliseconds, cost), not a minimum score, so a generic `pass = score >= threshold` would
 * be wrong for them; for `rouge-n` and `bleu` it is the minimum score (defaults 0.75 and 0.5).
 */
export const handlersApplyingThreshold: ReadonlySet<string> = new Set([
  'levenshtein',
  'latency',
  'cost',
  'rouge-n',
  'bleu'
])
