import { describe, expect, it } from '@jest/globals'
import { treebankTokenize } from '../../../../src/assertions/deterministic/treebank-tokenize.js'

describe('treebankTokenize', () => {
  it('splits punctuation and the final period, but not a period inside the sentence', () => {
    expect(treebankTokenize('Hello, world. Bye!')).toEqual(['Hello', ',', 'world.', 'Bye', '!'])
    expect(treebankTokenize('the cat sat on a mat.')).toEqual(['the', 'cat', 'sat', 'on', 'a', 'mat', '.'])
  })

  it('keeps numbers with separators and abbreviations whole', () => {
    expect(treebankTokenize('1,000 items at 10:30')).toEqual(['1,000', 'items', 'at', '10:30'])
    expect(treebankTokenize('from the u.s.')).toEqual(['from', 'the', 'u.s.'])
  })

  it('turns straight double quotes into opening and closing quote tokens', () => {
    expect(treebankTokenize('He said "hello" to me')).toEqual(['He', 'said', '``', 'hello', "''", 'to', 'me'])
  })

  it('splits clitics and fused words', () => {
    expect(treebankTokenize("I can't go, I cannot.")).toEqual([
      'I',
      'ca',
      "n't",
      'go',
      ',',
      'I',
      'can',
      'not',
      '.'
    ])
    expect(treebankTokenize("it's the team's and we'll")).toEqual([
      'it',
      "'s",
      'the',
      'team',
      "'s",
      'and',
      'we',
      "'ll"
    ])
    expect(treebankTokenize('gonna wanna go')).toEqual(['gon', 'na', 'wan', 'na', 'go'])
  })

  it('spaces out brackets, dashes and ellipses', () => {
    expect(treebankTokenize('(a) [b] wait... x--y')).toEqual([
      '(',
      'a',
      ')',
      '[',
      'b',
      ']',
      'wait',
      '...',
      'x',
      '--',
      'y'
    ])
  })

  it('gives no tokens for blank text and treats any whitespace as a separator', () => {
    expect(treebankTokenize(' \n\t ')).toEqual([])
    expect(treebankTokenize('a\nb\u0085c\u00a0d')).toEqual(['a', 'b', 'c', 'd'])
  })
})
