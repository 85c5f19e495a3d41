import { describe, expect, it } from '@jest/globals'
import { applyOverride } from '../../../src/compare/override.js'

describe('applyOverride', () => {
  it('accepts a regression when the label is present', () => {
    expect(applyOverride('regressed', ['bug', 'promptgate:accept'], 'promptgate:accept')).toEqual({
      verdict: 'overridden',
      overrideLabel: 'promptgate:accept'
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
