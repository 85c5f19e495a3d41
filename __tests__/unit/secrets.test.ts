import { describe, expect, it } from '@jest/globals'
import { renderComment } from '../../src/report/index.js'
import { redactDeep, redactSecrets, secretsOfProviders } from '../../src/secrets.js'
import { reportInput, typicalPrompt } from './report/fixtures.js'

const KEY = 'sk_live_0123456789_abcdef'

describe('redactDeep', () => {
  it('redacts every string of a value, zero-width characters dropped first', () => {
    const value = { a: [`x ${KEY} y`, { b: `${[...KEY].join('\u200B')}` }], n: 3, t: true, z: null }
    expect(redactDeep(value, [KEY])).toEqual({ a: ['x *** y', { b: '***' }], n: 3, t: true, z: null })
  })

  it('catches what markdown escaping would split, where a pass over the rendered comment would not', () => {
    const input = reportInput([typicalPrompt()], { verdict: 'error', error: `the model said ${KEY}` })
    expect(redactSecrets(renderComment(input), [KEY])).not.toContain('***')
    expect(renderComment(redactDeep(input, [KEY]))).toContain('the model said \\*\\*\\*')
  })
})

describe('secretsOfProviders', () => {
  it('reads the keys a config names and the credentials in its URLs', () => {
    const refs = [
      { id: 'openai:a', apiKeyEnv: 'MODEL_ACCESS' },
      { id: 'openai:b', baseUrl: 'https://bot:pa%24%24word@llm.example/v1?key=q-value-1' },
      { id: 'openai:c', apiKeyEnv: 'UNSET' }
    ]
    expect(secretsOfProviders(refs, { MODEL_ACCESS: 'acc-123456' })).toEqual(
      expect.arrayContaining(['acc-123456', 'bot', 'pa$$word', 'q-value-1'])
    )
  })
})
