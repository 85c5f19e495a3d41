import type { AssertionHandler } from '../types.js'
import { countOccurrences, nGrams } from './rouge.js'
import { invalidAssertion, readThreshold, renderedValue } from './values.js'

/** promptfoo's default minimum score for `bleu`. */
export const DEFAULT_BLEU_THRESHOLD = 0.5

const MAX_ORDER = 4
/** Stands in for a zero precision so one missing n-gram order does not zero the whole score. */
const ZERO_PRECISION = 1e-7

/** Sentence BLEU of the output against one reference or a list of them, as promptfoo scores it. */
export const bleu: AssertionHandler = (spec, context) => {
  const value = renderedValue(spec, context)
  const references = typeof value === 'string' ? [value] : value
  if (
    !Array.isArray(references) ||
    references.length === 0 ||
    !references.every(item => typeof item === 'string')
  ) {
    throw invalidAssertion(context, 'a "bleu" assertion needs a reference string or a list of them')
  }
  const threshold = readThreshold(spec, context, 'the lowest score that passes', DEFAULT_BLEU_THRESHOLD)
  const score = bleuScore(context.output, references)
  const pass = score >= threshold
  return {
    pass,
    score,
    reason: `BLEU score ${score.toFixed(4)} is ${pass ? 'at least' : 'less than'} threshold ${threshold}`
  }
}

/**
 * BLEU with promptfoo's choices: lowercased whitespace tokens; uniform weights over orders 1-4;
 * clipped n-gram counts taking the best single reference per order; orders the candidate is too
 * short to have are left out and the remaining weights renormalised; a zero precision counts as
 * 1e-7; brevity penalty exp(1 - r/c) against the reference length closest to the candidate's
 * (the shorter on a tie). An empty or blank candidate scores 0.
 */
export function bleuScore(candidate: string, references: string[]): number {
  if (candidate.trim() === '') return 0
  const candidateWords = words(candidate)
  const referenceWords = references.map(words)
  let logSum = 0
  let orders = 0
  for (let n = 1; n <= MAX_ORDER; n++) {
    const grams = nGrams(candidateWords, n)
    if (grams.length === 0) continue
    const counts = countOccurrences(grams)
    const matched = Math.max(...referenceWords.map(reference => clippedMatches(counts, nGrams(reference, n))))
    logSum += Math.log(matched === 0 ? ZERO_PRECISION : matched / grams.length)
    orders++
  }
  const penalty = brevityPenalty(candidateWords.length, closestLength(candidateWords.length, referenceWords))
  return penalty * Math.exp(logSum / orders)
}

// Splitting a trimmed empty string gives [''], so an empty reference counts as one (empty) word, as in promptfoo.
function words(text: string): string[] {
  return text.toLowerCase().trim().split(/\s+/)
}

function clippedMatches(candidateCounts: Map<string, number>, referenceGrams: string[]): number {
  const available = countOccurrences(referenceGrams)
  let matched = 0
  for (const [gram, count] of candidateCounts) matched += Math.min(count, available.get(gram) ?? 0)
  return matched
}

function closestLength(candidateLength: number, references: string[][]): number {
  let best = references[0]?.length ?? 0
  for (const { length } of references) {
    const distance = Math.abs(length - candidateLength)
    const bestDistance = Math.abs(best - candidateLength)
    if (distance < bestDistance || (distance === bestDistance && length < best)) best = length
  }
  return best
}

function brevityPenalty(candidateLength: number, referenceLength: number): number {
  return candidateLength > referenceLength ? 1 : Math.exp(1 - referenceLength / candidateLength)
}
