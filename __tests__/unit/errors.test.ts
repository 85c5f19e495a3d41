import { describe, expect, it } from '@jest/globals'
import { UserError, errorMessage } from '../../src/errors.js'

describe('UserError', () => {
  it('prefixes the location the way editors link it', () => {
    const error = new UserError('unknown key "modle"', { file: 'a.prompt.yml', line: 3, column: 1 })
    expect(error.describe()).toBe('a.prompt.yml:3:1: unknown key "modle"')
  })
  it('leaves out a column without a line', () => {
    expect(new UserError('bad', { file: 'x.yml', column: 4 }).describe()).toBe('x.yml: bad')
  })
  it('falls back to the message for other errors', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('plain')).toBe('plain')
  })
})
