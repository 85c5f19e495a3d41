/**
 * Exact paired tests and the Wilson interval: pure functions of counts.
 *
 * The gate asks one question, "is head worse than base?", so it uses one-sided p-values. The
 * pairs are cases: each case's value on base against its value on head, ties dropped. Under the
 * null hypothesis (the prompt change makes no difference) a non-tied case is as likely to get
 * worse as better, so the count of worse cases is Binomial(worse + better, 1/2). With one run
 * per case and pass/fail values that is exactly McNemar's exact test on the discordant pairs;
 * with several runs per case (per-case pass rates) or with scores it is the sign test.
 */

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a count, got ${value}`)
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2), exact up to float rounding for any n. */
export function binomialHalfCdf(k: number, n: number): number {
  assertCount('n', n)
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`)
  if (k < 0) return 0
  if (k >= n) return 1
  // Symmetry keeps the summed tail the short one, whose terms only grow towards k.
  if (2 * k >= n) return 1 - binomialHalfCdf(n - k - 1, n)
  // C(n, i) term by term, smallest first, as sum · 2^exponent: C(n, k) overflows from n ≈ 1030
  // and 2^-n underflows beyond 1074. Logs would lose digits to cancellation against n·ln 2.
  let term = 1
  let sum = 1
  let exponent = -n
  for (let i = 0; i < k; i += 1) {
    term *= (n - i) / (i + 1)
    sum += term
    if (sum > 2 ** 500) {
      term /= 2 ** 500
      sum /= 2 ** 500
      exponent += 500
    }
  }
  for (; exponent < -1000; exponent += 1000) sum /= 2 ** 1000
  return Math.min(1, sum * 2 ** exponent)
}

/**
 * McNemar's exact test, two-sided: `b` and `c` are the discordant pairs (pass → fail and
 * fail → pass); p = min(1, 2·P(X ≤ min(b, c))) with X ~ Binomial(b + c, 1/2).
 */
export function mcnemarExact(b: number, c: number): number {
  assertCount('b', b)
  assertCount('c', c)
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c))
}

/**
 * The exact sign test, one-sided for "head is worse": the chance of at least `worse` worse
 * cases among `worse + better` non-tied ones if each were a fair coin, P(X ≥ worse) = P(X ≤ better).
 */
export function signTestWorse(worse: number, better: number): number {
  assertCount('worse', worse)
  assertCount('better', better)
  return binomialHalfCdf(better, worse + better)
}

/**
 * The Wilson score interval for a proportion. `successes` may be fractional (the sum of per-case
 * pass rates); a mean of [0, 1] values has at most the variance of a Bernoulli mean, so treating
 * it as a proportion over `n` cases errs on the wide side.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 }
  const p = Math.min(1, Math.max(0, successes / n))
  const z2 = z * z
  const denominator = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator
  // At p = 0 or 1 the bound is exactly 0 or 1; float rounding would leave 1e-17 or 0.9999999999999999.
  return {
    low: p === 0 ? 0 : Math.max(0, centre - half),
    high: p === 1 ? 1 : Math.min(1, centre + half)
  }
}

/** The smallest one-sided p the sign test can give when `worse` cases get worse and none better. */
export function smallestPValue(worse: number): number {
  return 0.5 ** worse
}

/** How many cases must all get worse (none better) for the sign test to reach p < alpha. */
export function worseCasesNeeded(alpha: number): number {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`)
  let cases = 0
  while (smallestPValue(cases) >= alpha) cases += 1
  return cases
}
