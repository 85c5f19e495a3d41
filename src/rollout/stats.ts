/**
 * The tests a rate guardrail uses, as pure functions of counts: a score test of a ratio of two
 * proportions and an exact binomial tail. One-sided: the only question is "is the canary worse?".
 */

/** erfc(x), fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    )
  return x >= 0 ? r : 2 - r
}

/** P(Z >= z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2)
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const shifted = x - 1
  let sum = 0.99999999999980993
  LANCZOS.forEach((coefficient, index) => (sum += coefficient / (shifted + index + 1)))
  const t = shifted + LANCZOS.length - 0.5
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** The continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10_000; m += 1) {
    const m2 = 2 * m
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + step * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + step / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + step * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + step / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-14) break
  }
  return h
}

/** I_x(a, b), the regularized incomplete beta function. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b
}

/** P(X >= k) for X ~ Binomial(n, p), exact (up to float rounding) for any n. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  if (p <= 0) return 0
  if (p >= 1) return 1
  return regularizedBeta(p, k, n - k + 1)
}

/**
 * One-sided score test (Farrington and Manning) of H0: p1 <= ratio · p2 against H1: p1 > ratio · p2,
 * for x1 of n1 events (the canary) and x2 of n2 (stable). The variance is taken at the restricted
 * maximum-likelihood estimates on the boundary p1 = ratio · p2, so it stays honest when a side has
 * no bad events at all (where the plain Wald variance would be zero). The canary's count is
 * continuity-corrected by half an event: without it the normal tail is too light for a small canary
 * (a one-sided size of 0.069 at a nominal 0.015 with 15 canary events at a 1% rate; 0.0156 with it,
 * from the exact binomial sums over both sides). Returns the p-value.
 */
export function ratioScoreTest(x1: number, n1: number, x2: number, n2: number, ratio: number): number {
  if (n1 <= 0 || n2 <= 0) return 1
  const observed1 = Math.max(0, x1 - 0.5) / n1
  const observed2 = x2 / n2
  const a = (n1 + n2) * ratio
  const b = -(n1 * ratio + x1 + n2 + x2 * ratio)
  const c = x1 + x2
  const restricted2 = Math.min(
    1 / ratio,
    Math.max(0, (-b - Math.sqrt(Math.max(0, b * b - 4 * a * c))) / (2 * a))
  )
  const restricted1 = Math.min(1, ratio * restricted2)
  const variance =
    (restricted1 * (1 - restricted1)) / n1 + (ratio * ratio * restricted2 * (1 - restricted2)) / n2
  const difference = observed1 - ratio * observed2
  if (variance <= 0) return difference > 0 ? 0 : 1
  return normalUpperTail(difference / Math.sqrt(variance))
}
