import { describe, expect, it } from '@jest/globals'
import { applyOverride, decideOverride, type OverrideEvidence } from '../../../src/compare/override.js'

describe('applyOverride', () => {
  it('accepts a regression when the label is present', () => {
    expect(applyOverride('regressed', ['bug', 'promptgate:accept'], 'promptgate:accept')).toEqual({
      verdict: 'overridden',
      accepted: { label: 'promptgate:accept' }
    })
  })

  it('matches label names case-insensitively, as GitHub does', () => {
    expect(applyOverride('regressed', ['PromptGate:Accept'], 'promptgate:accept').verdict).toBe('overridden')
  })

  it('leaves a regression without the label', () => {
    expect(applyOverride('regressed', ['bug'], 'promptgate:accept')).toEqual({ verdict: 'regressed' })
  })

  it('never overrides an error, a pass or a skip', () => {
    for (const verdict of ['error', 'pass', 'skipped'] as const) {
      expect(applyOverride(verdict, ['promptgate:accept'], 'promptgate:accept')).toEqual({ verdict })
    }
  })

  it('ignores an empty override label', () => {
    expect(applyOverride('regressed', [''], '').verdict).toBe('regressed')
  })
})

describe('decideOverride', () => {
  const evidence = (overrides: Partial<OverrideEvidence> = {}): OverrideEvidence => ({
    label: 'promptgate:accept',
    present: true,
    added: { actor: 'lead', at: '2026-01-02T00:00:00Z' },
    role: 'write',
    head: { sha: 'a'.repeat(40), arrivedAt: '2026-01-01T00:00:00Z', labeledNow: false },
    action: 'synchronize',
    ...overrides
  })

  it('accepts a maintainer label added after the head arrived, naming who and when', () => {
    expect(decideOverride('regressed', evidence())).toEqual({
      verdict: 'overridden',
      accepted: { label: 'promptgate:accept', actor: 'lead', at: '2026-01-02T00:00:00Z' }
    })
  })

  it.each<[string, Partial<OverrideEvidence>, RegExp]>([
    ['a triage user', { role: 'triage' }, /who has triage permission/],
    ['an unknown role', { role: undefined }, /who has no permission/],
    ['a failed lookup', { lookupProblem: 'boom' }, /could not check the label \(boom\)/],
    ['no labeled event', { added: undefined }, /do not say who added it/],
    [
      'a label older than the head',
      { head: { sha: 'a'.repeat(40), arrivedAt: '2026-01-03T00:00:00Z', labeledNow: false } },
      /before the head commit aaaaaaa arrived/
    ],
    [
      'an event that does not say when the head arrived',
      { head: { sha: 'a'.repeat(40), labeledNow: false }, action: 'reopened' },
      /"reopened" event does not say/
    ]
  ])('refuses %s, keeping the regression', (_what, overrides, reason) => {
    const outcome = decideOverride('regressed', evidence(overrides))
    expect(outcome.verdict).toBe('regressed')
    expect(outcome.refused?.reason).toMatch(reason)
  })

  it('accepts on the labeled event itself, where the head arrival is not known', () => {
    const head = { sha: 'a'.repeat(40), labeledNow: true }
    expect(decideOverride('regressed', evidence({ head, action: 'labeled' })).verdict).toBe('overridden')
  })

  it('leaves other verdicts and an absent label alone', () => {
    expect(decideOverride('pass', evidence())).toEqual({ verdict: 'pass' })
    expect(decideOverride('error', evidence())).toEqual({ verdict: 'error' })
    expect(decideOverride('regressed', evidence({ present: false }))).toEqual({ verdict: 'regressed' })
  })
})
