import type { AssertionHandler } from '../types.js'
import { treebankTokenize } from './treebank-tokenize.js'
import { readThreshold, renderedValue, requireString } from './values.js'

/** promptfoo's default minimum score for `rouge-n`. */
export const DEFAULT_ROUGE_THRESHOLD = 0.75

/**
 * ROUGE-1 F1 between the output and the value, as promptfoo computes it: both lowercased,
 * Treebank-tokenized, and unigram overlap counted with clipping (a word repeated in the output
 * matches at most as often as it occurs in the value). promptfoo fixes n at 1.
 */
export const rougeN: AssertionHandler = (spec, context) => {
  const reference = requireString(renderedValue(spec, context), spec, context, { allowEmpty: true })
  const threshold = readThreshold(spec, context, 'the lowest score that passes', DEFAULT_ROUGE_THRESHOLD)
  const score = rougeScore(context.output.toLowerCase(), reference.toLowerCase(), 1)
  const pass = score >= threshold
  return {
    pass,
    score,
    reason: `ROUGE-N score ${score.toFixed(2)} is ${pass ? 'at least' : 'less than'} threshold ${threshold}`
  }
}

/** ROUGE-N F1 of a candidate against a reference; 0 when either has fewer than n tokens. */
export function rougeScore(candidate: string, reference: string, n: number): number {
  const candidateGrams = nGrams(treebankTokenize(candidate), n)
  const referenceGrams = nGrams(treebankTokenize(reference), n)
  if (candidateGrams.length === 0 || referenceGrams.length === 0) return 0
  const available = countOccurrences(referenceGrams)
  let overlap = 0
  for (const [gram, count] of countOccurrences(candidateGrams))
    overlap += Math.min(count, available.get(gram) ?? 0)
  if (overlap === 0) return 0
  const precision = overlap / candidateGrams.length
  const recall = overlap / referenceGrams.length
  // Equal precision and recall are their own F1; returning it keeps e.g. 0.6 from becoming 0.6000000000000001.
  if (precision === recall) return precision
  return (2 * precision * recall) / (precision + recall)
}

export function nGrams(tokens: string[], n: number): string[] {
  const grams: string[] = []
  for (let start = 0; start + n <= tokens.length; start++)
    grams.push(tokens.slice(start, start + n).join(' '))
  return grams
}

export function countOccurrences(items: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
  return counts
}
