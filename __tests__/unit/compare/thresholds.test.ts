import { describe, expect, it } from '@jest/globals'
import { checkThreshold, describeThreshold, thresholdFor } from '../../../src/compare/thresholds.js'

describe('checkThreshold', () => {
  it('breaks max_drop with a reason in words', () => {
    expect(checkThreshold({ max_drop: 0 }, 0.8, 0.6)).toEqual({
      status: 'broken',
      reason: 'dropped 0.20 (allowed 0.00)'
    })
  })

  it('ignores float noise', () => {
    // 0.1 + 0.2 is 0.30000000000000004
    expect(checkThreshold({ max_drop: 0 }, 0.1 + 0.2, 0.3).status).toBe('met')
    expect(checkThreshold({ min: 0.3 }, undefined, 0.1 + 0.2 - 1e-12).status).not.toBe('broken')
  })

  it('allows a drop up to max_drop and breaks beyond it', () => {
    expect(checkThreshold({ max_drop: 0.05 }, 0.9, 0.85).status).toBe('met')
    expect(checkThreshold({ max_drop: 0.05 }, 0.9, 0.84).status).toBe('broken')
  })

  it('bounds the head value with min and max', () => {
    expect(checkThreshold({ min: 0.9 }, 0.95, 0.85)).toEqual({
      status: 'broken',
      reason: '0.85 is below the minimum 0.90'
    })
    expect(checkThreshold({ max: 1000 }, 800, 1200).reason).toBe('1,200 is above the maximum 1,000')
  })

  it('bounds an increase with max_increase', () => {
    expect(checkThreshold({ max_increase: 100 }, 500, 650)).toEqual({
      status: 'broken',
      reason: 'rose 150 (allowed 100)'
    })
    expect(checkThreshold({ max_increase: 100 }, 500, 400).status).toBe('met')
  })

  it('lists every broken bound', () => {
    expect(checkThreshold({ min: 0.9, max_drop: 0 }, 1, 0.5).reason).toBe(
      '0.50 is below the minimum 0.90; dropped 0.50 (allowed 0.00)'
    )
  })

  it('applies only absolute bounds without a baseline', () => {
    expect(checkThreshold({ min: 0.9, max_drop: 0 }, undefined, 0.95).status).toBe('no-baseline')
    expect(checkThreshold({ min: 0.9, max_drop: 0 }, undefined, 0.5).status).toBe('broken')
    expect(checkThreshold(undefined, undefined, 0.5).status).toBe('no-baseline')
  })

  it('says no-threshold when nothing bounds the metric', () => {
    expect(checkThreshold(undefined, 0.5, 0.1)).toEqual({ status: 'no-threshold' })
  })

  it('breaks any threshold when the head value is missing', () => {
    expect(checkThreshold({ max_drop: 0.5 }, 0.9, undefined)).toEqual({
      status: 'broken',
      reason: 'no value on head'
    })
  })
})

describe('checkThreshold with significance', () => {
  const gated = { max_drop: 0, significance: 0.05 }

  it('breaks max_drop when the drop is significant, and says p', () => {
    expect(checkThreshold(gated, 0.9, 0.5, undefined, 0.016)).toEqual({
      status: 'broken',
      reason: 'dropped 0.40 (allowed 0.00), p = 0.016 < 0.05'
    })
  })

  it('meets the threshold when the drop could be noise, saying why', () => {
    expect(checkThreshold(gated, 0.9, 0.85, undefined, 0.31)).toEqual({
      status: 'met',
      reason: 'dropped 0.05 (allowed 0.00), p = 0.31 ≥ 0.05: not significant'
    })
  })

  it('needs p strictly below the level', () => {
    expect(checkThreshold(gated, 1, 0.5, undefined, 0.05).status).toBe('met')
  })

  it('never softens min: only a drop is a test of the change', () => {
    expect(checkThreshold({ ...gated, min: 0.9 }, 1, 0.5, undefined, 0.5)).toEqual({
      status: 'broken',
      reason: '0.50 is below the minimum 0.90; dropped 0.50 (allowed 0.00), p = 0.50 ≥ 0.05: not significant'
    })
  })

  it('gates as before without significance, whatever p is', () => {
    expect(checkThreshold({ max_drop: 0 }, 0.9, 0.85, undefined, 0.9).status).toBe('broken')
  })

  it('shows tiny p-values in exponent form', () => {
    expect(checkThreshold(gated, 1, 0, undefined, 2 ** -30).reason).toBe(
      'dropped 1.00 (allowed 0.00), p = 9.3e-10 < 0.05'
    )
  })
})

describe('thresholdFor', () => {
  it('prefers the metric’s own entry, then the "*" default', () => {
    const set = { pass_rate: { min: 0.9 }, '*': { max_drop: 0.1 } }
    expect(thresholdFor('pass_rate', set)).toEqual({ min: 0.9 })
    expect(thresholdFor('levenshtein', set)).toEqual({ max_drop: 0.1 })
  })

  it('never applies "*" to call metrics, where lower is better', () => {
    expect(thresholdFor('latency_ms', { '*': { max_drop: 0 } })).toBeUndefined()
    expect(thresholdFor('latency_ms', { latency_ms: { max: 2000 } })).toEqual({ max: 2000 })
  })

  it('treats an entry without bounds as no threshold', () => {
    expect(thresholdFor('pass_rate', { pass_rate: {} })).toBeUndefined()
  })
})

describe('describeThreshold', () => {
  it('names each bound', () => {
    expect(describeThreshold({ min: 0.9, max_drop: 0.02 })).toBe('min 0.90, max_drop 0.02')
  })

  it('adds the significance level as written', () => {
    expect(describeThreshold({ max_drop: 0, significance: 0.005 })).toBe('max_drop 0.00, significance 0.005')
  })
})
