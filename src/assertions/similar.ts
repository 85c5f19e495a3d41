import { UserError } from '../errors.js'
import { assertionProvider } from './assertion-provider.js'
import { invalidAssertion, quoted, readThreshold, renderedValue } from './deterministic/values.js'
import type { AssertionContext, AssertionHandler, AssertionSpec } from './types.js'

/** promptfoo's default minimum cosine similarity for `similar`. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.75

/**
 * promptfoo's `similar`: the cosine similarity between the embeddings of the output and of the value
 * (templated); of a list of values, the closest one counts, so `not-similar` passes only when the output
 * is far from all of them. The handler applies its own threshold (default 0.75), as `rouge-n` does, so
 * `similar` without a threshold and `not-similar` agree on the pass mark.
 */
export const similar: AssertionHandler = async (spec, context) => {
  const references = readReferences(spec, context)
  const threshold = readThreshold(
    spec,
    context,
    'the lowest cosine similarity, from -1 to 1, that passes',
    DEFAULT_SIMILARITY_THRESHOLD
  )
  if (context.output.trim() === '') {
    return { pass: 0 >= threshold, score: 0, reason: 'the output is empty, so it is similar to nothing' }
  }
  if (!context.embed) throw noEmbeddings(context)

  const [output, ...vectors] = await context.embed({
    texts: [context.output, ...references],
    provider: assertionProvider(spec, context.source)
  })
  if (!output || vectors.length !== references.length) throw new Error('the embeddings came back incomplete')
  const similarities = vectors.map(vector => cosineSimilarity(output, vector))
  const best = similarities.indexOf(Math.max(...similarities))
  const similarity = similarities[best]!
  const pass = similarity >= threshold
  const to = references.length > 1 ? ` (closest: ${quoted(references[best]!)})` : ''
  return {
    pass,
    // Cosine similarity can be negative; a score is 0..1.
    score: Math.max(0, Math.min(1, similarity)),
    reason: `similarity ${similarity.toFixed(2)}${to} is ${pass ? 'at least' : 'less than'} threshold ${threshold}`
  }
}

/** Cosine of the angle between two vectors; 0 when either is all zeros. */
export function cosineSimilarity(a: number[], b: number[]): number {
  if (a.length !== b.length) {
    throw new Error(`embeddings of different lengths (${a.length} and ${b.length}) cannot be compared`)
  }
  let dot = 0
  let normA = 0
  let normB = 0
  for (let at = 0; at < a.length; at++) {
    dot += a[at]! * b[at]!
    normA += a[at]! * a[at]!
    normB += b[at]! * b[at]!
  }
  if (normA === 0 || normB === 0) return 0
  return dot / Math.sqrt(normA * normB)
}

function readReferences(spec: AssertionSpec, context: AssertionContext): string[] {
  const value = renderedValue(spec, context)
  const references = typeof value === 'string' ? [value] : value
  const valid =
    Array.isArray(references) &&
    references.length > 0 &&
    references.every(item => typeof item === 'string' && item.trim() !== '')
  if (!valid) {
    throw invalidAssertion(
      context,
      `a "${spec.type}" assertion needs a non-empty string value, or a list of them, to compare the output with`
    )
  }
  return references as string[]
}

function noEmbeddings(context: AssertionContext): UserError {
  return new UserError(
    '"similar" needs an embedding model: set "provider:" on the assertion, or the config\'s "grader", to an ' +
      'OpenAI-compatible one, e.g. openai:text-embedding-3-small or github:openai/text-embedding-3-small',
    { file: context.source }
  )
}
