import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { credentialIdentity } from '../../../src/providers/credential-identity.js'

const KEY = 'sk-proj-0123456789abcdefghijklmnopqrstuvwxyz'
const digest = (value: string) => createHash('sha256').update(value).digest('hex')

describe('credentialIdentity', () => {
  it('names the variable and a digest of the key, never the key', () => {
    const identity = credentialIdentity(
      { id: 'openai:gpt-4o-mini', apiKeyEnv: 'TEAM_KEY' },
      { TEAM_KEY: KEY }
    )
    expect(identity).toBe(`TEAM_KEY=sha256:${digest(KEY)}`)
    expect(identity).not.toContain(KEY)
    expect(identity).not.toContain(KEY.slice(8, 24))
  })

  it("uses the kind's usual variable when api_key_env names none", () => {
    const env = { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' }
    expect(credentialIdentity({ id: 'openai:gpt-4o' }, env)).toBe(`OPENAI_API_KEY=sha256:${digest('sk-o')}`)
    expect(credentialIdentity({ id: 'anthropic:claude-sonnet-4-5' }, env)).toBe(
      `ANTHROPIC_API_KEY=sha256:${digest('sk-a')}`
    )
    expect(credentialIdentity({ id: 'openai:llama3', baseUrl: 'http://localhost:11434/v1' }, {})).toBe(
      'OPENAI_API_KEY=(unset)'
    )
  })

  it('differs by variable and by value', () => {
    const ref = (apiKeyEnv: string) => ({ id: 'openai:gpt-4o-mini', apiKeyEnv })
    const identities = [
      credentialIdentity(ref('A'), { A: 'one', B: 'one' }),
      credentialIdentity(ref('B'), { A: 'one', B: 'one' }),
      credentialIdentity(ref('A'), { A: 'two' })
    ]
    expect(new Set(identities).size).toBe(3)
  })

  it('is none for GitHub Models (a new token every run; the endpoint scopes the cache) and commands', () => {
    expect(credentialIdentity({ id: 'github:openai/gpt-4o-mini' }, { GITHUB_TOKEN: 'x' })).toBeUndefined()
    expect(credentialIdentity({ id: 'command:./model.sh', apiKeyEnv: 'K' }, { K: 'x' })).toBeUndefined()
  })
})
