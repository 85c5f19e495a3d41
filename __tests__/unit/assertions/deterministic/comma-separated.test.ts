import { describe, expect, it } from '@jest/globals'
import { splitCommaSeparated } from '../../../../src/assertions/deterministic/comma-separated.js'

describe('splitCommaSeparated', () => {
  it('trims items and drops empty ones', () => {
    expect(splitCommaSeparated(' a , b,, ,c ,')).toEqual(['a', 'b', 'c'])
    expect(splitCommaSeparated('')).toEqual([])
  })

  it('keeps commas and spaces inside quotes and understands the escapes', () => {
    expect(splitCommaSeparated('"a, b" , " c "')).toEqual(['a, b', ' c '])
    expect(splitCommaSeparated('"say ""hi""", "back\\\\slash", "q\\"uote"')).toEqual([
      'say "hi"',
      'back\\slash',
      'q"uote'
    ])
  })

  it('treats a quote inside an unquoted item as text', () => {
    expect(splitCommaSeparated('it"s, fine')).toEqual(['it"s', 'fine'])
  })

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => splitCommaSeparated('"abc')).toThrow(/no closing quote/)
    expect(() => splitCommaSeparated('"abc" d, e')).toThrow(/expected a comma/)
  })
})
