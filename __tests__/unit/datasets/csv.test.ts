import { describe, expect, it } from '@jest/globals'
import { CsvSyntaxError, parseCsvRecords } from '../../../src/datasets/csv.js'

function syntaxError(text: string): { message: string; line: number; column: number } {
  try {
    parseCsvRecords(text)
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error
    return { message: error.message, ...error.position }
  }
  throw new Error('expected a syntax error')
}

describe('parseCsvRecords', () => {
  it('reads quoted commas, doubled quotes and line breaks inside fields', () => {
    expect(parseCsvRecords('a,b\n"x, y","say ""hi""\nthere"\n')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x, y', 'say "hi"\nthere'], line: 2 }
    ])
  })

  it('counts CRLF and lone CR as one line break each, inside and outside quotes', () => {
    expect(parseCsvRecords('a,b\r\n"1\r\n2\r\n3",x\r\ny,z\rp,q')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1\r\n2\r\n3', 'x'], line: 2 },
      { fields: ['y', 'z'], line: 5 },
      { fields: ['p', 'q'], line: 6 }
    ])
  })

  it('skips blank lines but keeps empty and quoted-empty fields', () => {
    expect(parseCsvRecords('\na,\n\n""\n,\n')).toEqual([
      { fields: ['a', ''], line: 2 },
      { fields: [''], line: 4 },
      { fields: ['', ''], line: 5 }
    ])
  })

  it('tolerates spaces after a closing quote, nothing else', () => {
    expect(parseCsvRecords('"a"  ,b')).toEqual([{ fields: ['a', 'b'], line: 1 }])
    expect(syntaxError('x\n"a" b,c')).toEqual({
      message:
        'unexpected text after a closing quote; put the whole field in double quotes and write each quote inside it as ""',
      line: 2,
      column: 5
    })
  })

  it('points at the quote that is never closed', () => {
    expect(syntaxError('a,b\n1,"two\n3,4\n')).toEqual({
      message: 'this quoted field has no closing quote (")',
      line: 2,
      column: 3
    })
  })
})
