import { describe, expect, it } from '@jest/globals'
import { errorMessage } from '../../../src/errors.js'
import { createNdjsonSource, parseMetricEvents } from '../../../src/rollout/ndjson-source.js'
import { formatOutcome, formatWatch, sidesOf, simulateRollouts } from '../../../src/rollout/simulate.js'
import type { RolloutPlan } from '../../../src/rollout/types.js'

const FILE = 'metrics.ndjson'
const events = (...lines: Record<string, unknown>[]) =>
  parseMetricEvents(
    lines
      .map(fields =>
        JSON.stringify({ at: '2026-01-05T10:00:00Z', prompt: 'p', guardrail: 'g', value: 1, ...fields })
      )
      .join('\n'),
    FILE
  )

function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return errorMessage(error)
  }
  throw new Error('expected a failure')
}

describe('sidesOf', () => {
  it('takes the first digest as stable when no line says', () => {
    expect(sidesOf(events({ digest: 'x' }, { digest: 'y' }, { digest: 'x' }), 'p', FILE)).toEqual({
      stable: 'x',
      canary: 'y'
    })
  })

  it('follows "side" when a line gives it, for either digest', () => {
    expect(sidesOf(events({ digest: 'x' }, { digest: 'y', side: 'stable' }), 'p', FILE)).toEqual({
      stable: 'y',
      canary: 'x'
    })
    expect(sidesOf(events({ digest: 'x', side: 'canary' }, { digest: 'y' }), 'p', FILE)).toEqual({
      stable: 'y',
      canary: 'x'
    })
  })

  it('refuses one digest, three digests and contradicting sides, at the line', () => {
    expect(failure(() => sidesOf(events({ digest: 'x' }), 'p', FILE))).toBe(
      'metrics.ndjson:1: p has events for one digest only; simulate needs a stable and a canary digest'
    )
    expect(
      failure(() => sidesOf(events({ digest: 'x' }, { digest: 'y' }, { digest: 'z' }), 'p', FILE))
    ).toMatch(/^metrics\.ndjson:3: p has a third digest, z/)
    expect(
      failure(() =>
        sidesOf(events({ digest: 'x', side: 'stable' }, { digest: 'x', side: 'canary' }), 'p', FILE)
      )
    ).toBe('metrics.ndjson:2: digest x of p is "stable" on line 1 and "canary" here')
    expect(
      failure(() =>
        sidesOf(events({ digest: 'x', side: 'stable' }, { digest: 'y', side: 'stable' }), 'p', FILE)
      )
    ).toMatch(/^metrics\.ndjson:2: p has two stable digests, x \(line 1\) and y/)
  })
})

describe('simulateRollouts', () => {
  const plan: RolloutPlan = {
    prompts: ['p'],
    stages: [10, 50],
    minDurationSeconds: 1800,
    minSamples: 10,
    guardrails: [{ name: 'g', kind: 'rate', bad: 'b', total: 't', maxRelativeIncrease: 0.1 }],
    onRegression: 'pause'
  }
  /** Every 10 minutes for 2 hours: stable 10 of 100 bad, canary `canaryBad` of 10. */
  function recorded(canaryBad: (minute: number) => number) {
    const lines: Record<string, unknown>[] = []
    for (let minute = 0; minute <= 120; minute += 10) {
      const at = new Date(Date.parse('2026-01-05T10:00:00Z') + minute * 60_000).toISOString()
      lines.push({ at, digest: 's', bad: 10, total: 100, value: undefined })
      lines.push({ at, digest: 'c', bad: canaryBad(minute), total: 10, value: undefined })
    }
    return events(...lines)
  }

  it('opens the first stage at the first event, advances after min_duration and promotes after the last stage', async () => {
    const recordedEvents = recorded(() => 1)
    const { watches, outcomes } = await simulateRollouts({
      prompts: [{ prompt: 'p', plan, stable: 's', canary: 'c' }],
      events: recordedEvents,
      source: createNdjsonSource(recordedEvents, FILE),
      everySeconds: 900
    })
    expect(
      watches.map(watch => [
        watch.at.toISOString().slice(11, 16),
        watch.decision.decision,
        watch.decision.stage
      ])
    ).toEqual([
      ['10:15', 'hold', 10],
      ['10:30', 'advance', 10],
      ['10:45', 'hold', 50],
      ['11:00', 'advance', 50]
    ])
    expect(formatWatch(watches[1]!)).toMatch(
      /^2026-01-05T10:30:00Z {2}p {2}advance {3}stage 10% -> 50% {2}advancing to stage 50%/
    )
    expect(outcomes).toEqual([{ prompt: 'p', ending: 'promoted', stage: 100, watches: 4 }])
    expect(formatOutcome(outcomes[0]!)).toBe('p: promoted to 100% after 4 watches')
  })

  it('applies on_regression: pause when the canary turns bad in stage two, and stops there', async () => {
    const recordedEvents = recorded(minute => (minute > 30 ? 8 : 1))
    const { watches, outcomes } = await simulateRollouts({
      prompts: [{ prompt: 'p', plan, stable: 's', canary: 'c' }],
      events: recordedEvents,
      source: createNdjsonSource(recordedEvents, FILE),
      everySeconds: 900
    })
    expect(watches.map(watch => watch.decision.decision)).toEqual(['hold', 'advance', 'pause'])
    expect(outcomes[0]).toEqual({ prompt: 'p', ending: 'paused', stage: 50, watches: 3 })
  })

  it('keeps watching until the first watch at or after the last event, then reports the stage it holds', async () => {
    const recordedEvents = recorded(() => 1)
    const { watches, outcomes } = await simulateRollouts({
      prompts: [{ prompt: 'p', plan: { ...plan, minDurationSeconds: 86_400 }, stable: 's', canary: 'c' }],
      events: recordedEvents,
      source: createNdjsonSource(recordedEvents, FILE),
      everySeconds: 3000
    })
    expect(watches.map(watch => watch.at.toISOString().slice(11, 16))).toEqual(['10:50', '11:40', '12:30'])
    expect(formatOutcome(outcomes[0]!)).toBe('p: still at stage 10% when the events end, after 3 watches')
  })
})
