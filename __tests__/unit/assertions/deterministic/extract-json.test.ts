import { describe, expect, it } from '@jest/globals'
import { extractJsonObjects } from '../../../../src/assertions/deterministic/extract-json.js'

describe('extractJsonObjects', () => {
  it('returns outermost objects in order and skips past each one', () => {
    expect(extractJsonObjects('{"a": {"b": 1}} and {"c": 2}')).toEqual([{ a: { b: 1 } }, { c: 2 }])
  })

  it('ignores braces and comment markers inside strings', () => {
    expect(extractJsonObjects('{"s": "} { // not a comment"}')).toEqual([{ s: '} { // not a comment' }])
    expect(extractJsonObjects('{"q": "say \\"}\\""}')).toEqual([{ q: 'say "}"' }])
  })

  it('moves on past a brace that starts no object', () => {
    expect(extractJsonObjects('set {x} to {"x": 1}')).toEqual([{ x: 1 }])
    expect(extractJsonObjects('{ {"inner": true}')).toEqual([{ inner: true }])
  })

  it('finds nothing in text without objects', () => {
    expect(extractJsonObjects('')).toEqual([])
    expect(extractJsonObjects('[1, 2] "x" 3')).toEqual([])
  })
})
