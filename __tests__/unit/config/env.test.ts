import { describe, expect, it } from '@jest/globals'
import { interpolateEnv, type MissingVariable } from '../../../src/config/env.js'

describe('interpolateEnv', () => {
  it('replaces references in nested strings, not in keys', () => {
    const missing: MissingVariable[] = []
    const value = { '${A}': ['x ${A} ${B}'], n: 1 }
    expect(interpolateEnv(value, { A: 'a', B: 'b' }, missing)).toEqual({ '${A}': ['x a b'], n: 1 })
    expect(missing).toEqual([])
  })

  it('keeps $${NAME} as the literal ${NAME} and ignores what is no reference', () => {
    expect(interpolateEnv('$${A} ${ A } $A ${1}', { A: 'a' }, [])).toBe('${A} ${ A } $A ${1}')
  })

  it('reports unset and empty variables with their paths', () => {
    const missing: MissingVariable[] = []
    interpolateEnv({ list: ['${UNSET}', '${EMPTY}'] }, { EMPTY: '' }, missing)
    expect(missing).toEqual([
      { name: 'UNSET', path: ['list', 0] },
      { name: 'EMPTY', path: ['list', 1] }
    ])
  })
})
