import { describe, expect, it } from '@jest/globals'
import { formatDelta, formatNumber, formatPValue } from '../../../src/compare/format.js'

describe('formatNumber', () => {
  it('shows rates with two decimals and large values whole', () => {
    expect(formatNumber(0.2)).toBe('0.20')
    expect(formatNumber(0)).toBe('0.00')
    expect(formatNumber(1234.6)).toBe('1,235')
  })
  it('keeps tiny non-zero values visible', () => {
    expect(formatNumber(0.00042)).toBe('0.00042')
  })
})

describe('formatDelta', () => {
  it('signs a change with a true minus', () => {
    expect(formatDelta(0.1)).toBe('+0.10')
    expect(formatDelta(-0.25)).toBe('\u22120.25')
  })
  it('shows float noise and rounding-to-zero as no change', () => {
    expect(formatDelta(0.1 + 0.2 - 0.3)).toBe('0.00')
    expect(formatDelta(0)).toBe('0.00')
  })
})

describe('formatPValue', () => {
  it('keeps two significant digits where the level is decided', () => {
    expect(formatPValue(0.3125)).toBe('0.31')
    expect(formatPValue(1)).toBe('1.00')
    expect(formatPValue(0.0625)).toBe('0.063')
    expect(formatPValue(0.015625)).toBe('0.016')
    expect(formatPValue(0.001)).toBe('0.0010')
  })
  it('writes tiny values in exponent form rather than as 0.00', () => {
    expect(formatPValue(0.000244140625)).toBe('2.4e-4')
  })
})
