import { describe, expect, it } from '@jest/globals'
import { renderWatch } from '../../../src/rollout/render-watch.js'
import type { RolloutDecisionRecord } from '../../../src/rollout/types.js'

const record: RolloutDecisionRecord = {
  type: 'rollout_decision',
  at: '2026-12-01T10:00:00.000Z',
  actor: 'bot',
  prompt: 'prompts/triage.prompt.yml',
  decision: 'hold',
  stage: 5,
  reason: 'too little traffic: negative feedback below 500 samples a side',
  stable: { version: 1, digest: 'sha256:1' },
  canary: { version: 2, digest: 'sha256:2' },
  guardrails: [
    {
      name: 'negative feedback',
      kind: 'rate',
      stable: { bad: 3, total: 40, rate: 0.075 },
      canary: { bad: 0, total: 12, rate: 0, note: 'no series yet for bad: read as 0 events' },
      p_value: 0.61234,
      alpha: 0.0123,
      breached: false,
      underpowered: true
    },
    { name: 'p95 latency', kind: 'value', stable: { value: 0.81 }, canary: { value: 1.2 }, breached: true }
  ]
}

describe('renderWatch', () => {
  it('prints the decision line, the figures table and what the source assumed', () => {
    expect(renderWatch([{ prompt: record.prompt, status: 'decided', record, moves: [] }])).toBe(
      [
        'prompts/triage.prompt.yml: hold at stage 5% (canary v2 vs stable v1): too little traffic: negative feedback below 500 samples a side',
        '  guardrail          stable      canary      test                breached',
        '  negative feedback  3/40 7.50%  0/12 0.00%  p=0.6123 (α 0.012)  no (too few samples)',
        '  p95 latency        0.81        1.2         -                   yes',
        '  note: negative feedback, canary: no series yet for bad: read as 0 events'
      ].join('\n')
    )
  })

  it('says when there is nothing to watch, and why a prompt was skipped', () => {
    expect(renderWatch([])).toBe('No prompt has a canary: nothing to watch.')
    expect(renderWatch([{ prompt: 'p', status: 'skipped', note: 'paused' }])).toBe('p: skipped: paused')
  })
})
