import { describe, expect, it } from '@jest/globals'
import {
  deterministicHandlers,
  handlersApplyingThreshold
} from '../../../../src/assertions/deterministic/index.js'

describe('deterministicHandlers', () => {
  it('registers every deterministic type by its name without the not- prefix', () => {
    expect(Object.keys(deterministicHandlers).sort()).toEqual(
      [
        'bleu',
        'contains',
        'contains-all',
        'contains-any',
        'contains-json',
        'cost',
        'equals',
        'icontains',
        'icontains-all',
        'icontains-any',
        'is-json',
        'is-valid-json-schema',
        'json-schema',
        'latency',
        'levenshtein',
        'regex',
        'rouge-n',
        'starts-with',
        'word-count'
      ].sort()
    )
  })

  it('names the registered types that apply their own threshold', () => {
    expect([...handlersApplyingThreshold].sort()).toEqual([
      'bleu',
      'cost',
      'latency',
      'levenshtein',
      'rouge-n'
    ])
    for (const type of handlersApplyingThreshold) expect(deterministicHandlers[type]).toBeDefined()
  })
})
