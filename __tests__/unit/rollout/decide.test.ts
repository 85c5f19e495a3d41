import { describe, expect, it } from '@jest/globals'
import { decide, lookAlpha, nextStage, ROLLOUT_ALPHA } from '../../../src/rollout/decide.js'
import type { DecisionInput, Guardrail, RolloutPlan, SideReading } from '../../../src/rollout/types.js'

const feedback: Guardrail = {
  name: 'negative feedback',
  kind: 'rate',
  bad: 'b',
  total: 't',
  maxRelativeIncrease: 0.1
}
const errors: Guardrail = { name: 'errors', kind: 'rate', bad: 'b', total: 't', maxAbsolute: 0.02 }
const latency: Guardrail = { name: 'p95 latency', kind: 'value', value: 'v', maxRelativeIncrease: 0.2 }

const plan = (overrides: Partial<RolloutPlan> = {}): RolloutPlan => ({
  prompts: ['prompts/*.prompt.yml'],
  stages: [5, 25, 50, 100],
  minDurationSeconds: 3600,
  minSamples: 500,
  guardrails: [feedback],
  onRegression: 'rollback',
  ...overrides
})

const counts = (bad: number, total: number): SideReading => ({
  bad,
  total,
  rate: total > 0 ? bad / total : 0
})

function input(overrides: Partial<DecisionInput> & Pick<DecisionInput, 'readings'>): DecisionInput {
  return { plan: plan(), stage: 5, elapsedSeconds: 3600, previousLooks: 0, ...overrides }
}

describe('lookAlpha', () => {
  it('spends at most ROLLOUT_ALPHA over any number of looks, most of it early', () => {
    const spent = Array.from({ length: 10_000 }, (_, look) => lookAlpha(look, 1)).reduce((a, b) => a + b)
    expect(spent).toBeLessThan(ROLLOUT_ALPHA)
    expect(spent).toBeGreaterThan(0.0499)
    expect(lookAlpha(0, 1)).toBeCloseTo((ROLLOUT_ALPHA * 6) / Math.PI ** 2, 10)
    expect(lookAlpha(1, 1)).toBeCloseTo(lookAlpha(0, 1) / 4, 10)
    expect(lookAlpha(0, 3)).toBeCloseTo(lookAlpha(0, 1) / 3, 10)
    expect(lookAlpha(0, 2, 3)).toBeCloseTo(lookAlpha(0, 1) / 6, 10)
  })
})

describe('decide: rate guardrails', () => {
  it('rolls back a clear regression at the first watch, before min_duration and min_samples', () => {
    // 30% vs 10% negative feedback on 150 and 2850 requests: far above 10% × 1.1.
    const decision = decide(
      input({
        elapsedSeconds: 900,
        readings: [{ guardrail: feedback, stable: counts(285, 2850), canary: counts(45, 150) }]
      })
    )
    expect(decision.decision).toBe('rollback')
    expect(decision.stage).toBe(5)
    expect(decision.next_stage).toBeUndefined()
    expect(decision.reason).toMatch(
      /^regression at stage 5%, rolling back: negative feedback: canary 30\.0% \(45\/150\) is above stable's 10\.0% \+ 10% = 11\.0%/
    )
    const [figures] = decision.guardrails
    expect(figures).toMatchObject({
      name: 'negative feedback',
      kind: 'rate',
      breached: true,
      underpowered: true
    })
    expect(figures!.p_value).toBeLessThan(1e-6)
    expect(figures!.alpha).toBeCloseTo(lookAlpha(0, 1, 3), 12)
  })

  it('pauses instead when on_regression is pause', () => {
    const decision = decide(
      input({
        plan: plan({ onRegression: 'pause' }),
        readings: [{ guardrail: feedback, stable: counts(285, 2850), canary: counts(45, 150) }]
      })
    )
    expect(decision.decision).toBe('pause')
    expect(decision.reason).toMatch(/^regression at stage 5%, pausing: /)
  })

  it('does not roll back a canary within its allowance (10.5% vs 10% with +10% allowed)', () => {
    const decision = decide(
      input({ readings: [{ guardrail: feedback, stable: counts(1000, 10_000), canary: counts(105, 1000) }] })
    )
    expect(decision.decision).toBe('advance')
    expect(decision.guardrails[0]!.breached).toBe(false)
    expect(decision.guardrails[0]!.p_value).toBeGreaterThan(0.5)
  })

  it('advances a healthy canary through every stage, the last one to 100 (promote)', () => {
    const stages = [5, 25, 50]
    const seen = stages.map(stage =>
      decide(
        input({
          plan: plan({ stages }),
          stage,
          readings: [{ guardrail: feedback, stable: counts(950, 9500), canary: counts(50, 500) }]
        })
      )
    )
    expect(seen.map(decision => [decision.decision, decision.stage, decision.next_stage])).toEqual([
      ['advance', 5, 25],
      ['advance', 25, 50],
      ['advance', 50, 100]
    ])
    expect(seen[2]!.reason).toMatch(
      /^advancing to promote \(100%\): stage 50% ran 1h with at least 500 samples per side/
    )
    expect(nextStage(plan(), 50)).toBe(100)
    expect(nextStage(plan(), 10)).toBe(25)
  })

  it('holds an underpowered canary and names what is missing, never a pass', () => {
    const decision = decide(
      input({
        elapsedSeconds: 7200,
        readings: [{ guardrail: feedback, stable: counts(240, 2400), canary: counts(12, 120) }]
      })
    )
    expect(decision.decision).toBe('hold')
    expect(decision.reason).toBe(
      'holding: too little traffic to decide: canary has 120 of 500 samples for negative feedback'
    )
    expect(decision.guardrails[0]).toMatchObject({ breached: false, underpowered: true })
  })

  it('holds until min_duration even with samples enough, and says how long the stage has run', () => {
    const decision = decide(
      input({
        elapsedSeconds: 1200,
        readings: [{ guardrail: feedback, stable: counts(950, 9500), canary: counts(50, 500) }]
      })
    )
    expect(decision.decision).toBe('hold')
    expect(decision.reason).toBe('holding: stage 5% has run 20m of 1h')
  })

  it('holds when a side has no traffic at all', () => {
    const decision = decide(
      input({ readings: [{ guardrail: feedback, stable: counts(0, 0), canary: counts(0, 0) }] })
    )
    expect(decision.decision).toBe('hold')
    expect(decision.reason).toMatch(
      /canary has 0 of 500 samples for negative feedback, stable has 0 of 500 samples/
    )
  })

  it('rolls back on an absolute limit: 5% errors on 1000 requests against a 2% limit', () => {
    const decision = decide(
      input({
        plan: plan({ guardrails: [errors] }),
        readings: [{ guardrail: errors, stable: counts(10, 10_000), canary: counts(50, 1000) }]
      })
    )
    expect(decision.decision).toBe('rollback')
    expect(decision.reason).toMatch(/errors: canary 5\.0% \(50\/1000\) is above 2\.0%/)
  })

  it('does not roll back 3 errors in 100 against a 2% limit (not confident), but holds for samples', () => {
    const decision = decide(
      input({
        plan: plan({ guardrails: [errors] }),
        readings: [{ guardrail: errors, stable: counts(10, 10_000), canary: counts(3, 100) }]
      })
    )
    expect(decision.decision).toBe('hold')
    // P(X >= 3 | n = 100, p = 0.02) = 0.3233, by hand from the binomial terms.
    expect(decision.guardrails[0]!.p_value).toBeCloseTo(0.3233, 3)
  })

  it('uses a smaller alpha at later looks, so a borderline excess that rolls back at look 1 holds at look 20', () => {
    const reading = { guardrail: feedback, stable: counts(1000, 10_000), canary: counts(140, 1000) }
    const first = decide(input({ readings: [reading] }))
    const later = decide(input({ previousLooks: 19, readings: [reading] }))
    expect(first.guardrails[0]!.p_value).toBe(later.guardrails[0]!.p_value)
    expect(first.decision).toBe('rollback')
    expect(later.decision).toBe('advance')
  })
})

describe('decide: value guardrails', () => {
  const value = (v: number): SideReading => ({ value: v })

  it('rolls back once the stage has run min_duration and the canary is above stable × (1 + m)', () => {
    const decision = decide(
      input({
        plan: plan({ guardrails: [latency] }),
        readings: [{ guardrail: latency, stable: value(1.0), canary: value(1.3) }]
      })
    )
    expect(decision.decision).toBe('rollback')
    expect(decision.reason).toMatch(
      /p95 latency: canary 1\.300 is above 1\.200 \(stable 1; a value, so no sample size or test\)/
    )
    expect(decision.guardrails[0]).toEqual({
      name: 'p95 latency',
      kind: 'value',
      stable: value(1),
      canary: value(1.3),
      breached: true
    })
  })

  it('holds a value above its limit before min_duration, saying it will roll back if it stays', () => {
    const decision = decide(
      input({
        plan: plan({ guardrails: [latency] }),
        elapsedSeconds: 900,
        readings: [{ guardrail: latency, stable: value(1.0), canary: value(1.3) }]
      })
    )
    expect(decision.decision).toBe('hold')
    expect(decision.reason).toMatch(
      /p95 latency: canary 1\.300 is above 1\.200 .*; it rolls back if still so after 1h/
    )
  })

  it('advances a value within its limit and holds a missing one', () => {
    const ok = decide(
      input({
        plan: plan({ guardrails: [latency] }),
        readings: [{ guardrail: latency, stable: value(1.0), canary: value(1.1) }]
      })
    )
    expect(ok.decision).toBe('advance')
    const missing = decide(
      input({
        plan: plan({ guardrails: [latency] }),
        readings: [{ guardrail: latency, stable: value(1.0), canary: value(Number.NaN) }]
      })
    )
    expect(missing.decision).toBe('hold')
    expect(missing.reason).toMatch(/no p95 latency value for canary yet/)
  })

  it('applies max_absolute to a value', () => {
    const capped: Guardrail = { name: 'p95 latency', kind: 'value', value: 'v', maxAbsolute: 2 }
    const decision = decide(
      input({
        plan: plan({ guardrails: [capped] }),
        readings: [{ guardrail: capped, stable: value(3), canary: value(2.5) }]
      })
    )
    expect(decision.decision).toBe('rollback')
  })
})

/** mulberry32: a small seeded PRNG, so the Monte-Carlo figures are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Binomial(n, p) by geometric gaps between successes: about n · min(p, 1 - p) draws. */
function binomial(random: () => number, n: number, p: number): number {
  if (p > 0.5) return n - binomial(random, n, 1 - p)
  if (p <= 0) return 0
  const logMiss = Math.log(1 - p)
  let count = 0
  let position = Math.floor(Math.log(1 - random()) / logMiss) + 1
  while (position <= n) {
    count += 1
    position += Math.floor(Math.log(1 - random()) / logMiss) + 1
  }
  return count
}

/**
 * No-op rollouts: the canary has exactly stable's rates. Watches every 15 minutes, 1200 requests an
 * hour split by the stage's percent, so a 5% stage needs 9 hours (36 looks) to reach 500 samples.
 */
function falseRollbackRate(
  rollouts: number,
  guardrails: { guardrail: Guardrail; rate: number }[],
  seed: number
) {
  const random = prng(seed)
  const thePlan = plan({ guardrails: guardrails.map(item => item.guardrail) })
  const perWatch = 300
  let rolledBack = 0
  let looks = 0
  for (let rollout = 0; rollout < rollouts; rollout += 1) {
    let stage = thePlan.stages[0]!
    while (stage < 100) {
      const sums = guardrails.map(() => ({ stable: { bad: 0, total: 0 }, canary: { bad: 0, total: 0 } }))
      let decision
      for (let look = 0; ; look += 1) {
        looks += 1
        const canaryRequests = binomial(random, perWatch, stage / 100)
        guardrails.forEach(({ rate }, index) => {
          sums[index]!.canary.total += canaryRequests
          sums[index]!.canary.bad += binomial(random, canaryRequests, rate)
          sums[index]!.stable.total += perWatch - canaryRequests
          sums[index]!.stable.bad += binomial(random, perWatch - canaryRequests, rate)
        })
        decision = decide({
          plan: thePlan,
          stage,
          elapsedSeconds: (look + 1) * 900,
          previousLooks: look,
          readings: guardrails.map(({ guardrail }, index) => ({
            guardrail,
            stable: counts(sums[index]!.stable.bad, sums[index]!.stable.total),
            canary: counts(sums[index]!.canary.bad, sums[index]!.canary.total)
          }))
        })
        if (decision.decision !== 'hold') break
      }
      if (decision.decision === 'rollback') {
        rolledBack += 1
        break
      }
      stage = decision.next_stage!
    }
  }
  return { rate: rolledBack / rollouts, looksPerRollout: looks / rollouts }
}

describe('decide: repeated looks at a no-op canary', () => {
  it('rolls back fewer than 5% of 1000 no-op rollouts through 3 stages (over 40 looks each)', () => {
    const { rate, looksPerRollout } = falseRollbackRate(
      1000,
      [
        { guardrail: feedback, rate: 0.1 },
        { guardrail: errors, rate: 0.01 }
      ],
      11
    )
    process.stdout.write(
      `no-op rollouts, +10% allowed: false rollback rate ${rate}, ${looksPerRollout.toFixed(1)} looks per rollout\n`
    )
    expect(looksPerRollout).toBeGreaterThan(40)
    expect(rate).toBeLessThan(0.05)
  })

  it('stays under 5% even at the boundary of the null hypothesis (max_relative_increase 0, equal rates)', () => {
    const strict: Guardrail = { ...feedback, maxRelativeIncrease: 0 }
    const { rate } = falseRollbackRate(1000, [{ guardrail: strict, rate: 0.1 }], 12)
    process.stdout.write(`no-op rollouts, +0% allowed: false rollback rate ${rate}\n`)
    expect(rate).toBeLessThan(0.05)
  })
})
