/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate closest to `word` (case-insensitively) within `maxDistance` edits, if any. */
export function closestMatch(
  word: string,
  candidates: readonly string[],
  maxDistance = 2
): string | undefined {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}

/** `; did you mean "x"?` when a close candidate exists, else the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates)
  return match === undefined ? '' : `; did you mean "${match}"?`
}
