import { describe, expect, it } from '@jest/globals'
import { parseGitHubModelsPrompt } from '../../../src/prompts/github-models.js'
import { contentDigest, isDigest, promptContent } from '../../../src/registry/digest.js'

const FILE = 'prompts/triage.prompt.yml'

function digestOf(text: string): string {
  const version = parseGitHubModelsPrompt(text, FILE, 'abc').version
  if (!version) throw new Error('no version')
  return contentDigest(promptContent(version))
}

const original = `name: Triage
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0.2
messages:
  - role: system
    content: You sort bug reports.
  - role: user
    content: |
      Title: {{title}}
      Answer with one word.
testData:
  - title: crash
    expected: bug
`

describe('contentDigest', () => {
  it('is a sha256 digest of the canonical content', () => {
    expect(isDigest(digestOf(original))).toBe(true)
  })

  it('gives formatting-only edits the same digest', () => {
    const reformatted = `# reformatted: quotes, flow style, other key order, CRLF, trailing spaces
messages:
  - {role: "system", content: "You sort bug reports.   "}
  - role: 'user'
    content: "Title: {{title}}\\nAnswer with one word."
modelParameters: { temperature: 0.20 }
model: "openai/gpt-4o-mini"
name: Triage
testData:
  - title: another row, which is not part of the prompt
    expected: bug
`.replace(/\n/g, '\r\n')
    expect(digestOf(reformatted)).toBe(digestOf(original))
  })

  it('gives a one-word edit, another model or another parameter a new digest', () => {
    const base = digestOf(original)
    expect(digestOf(original.replace('one word', 'two words'))).not.toBe(base)
    expect(digestOf(original.replace('gpt-4o-mini', 'gpt-4o'))).not.toBe(base)
    expect(digestOf(original.replace('0.2', '0.3'))).not.toBe(base)
    expect(digestOf(original.replace('role: system', 'role: user'))).not.toBe(base)
  })

  it('maps a revert back to the digest it had', () => {
    const edited = original.replace('one word', 'a single word')
    const reverted = edited.replace('a single word', 'one word')
    expect(digestOf(edited)).not.toBe(digestOf(original))
    expect(digestOf(reverted)).toBe(digestOf(original))
  })

  it('does not depend on the name, the test data or the evaluators', () => {
    const renamed = original
      .replace('name: Triage', 'name: Sorting')
      .replace('expected: bug', 'expected: feature')
    expect(digestOf(renamed)).toBe(digestOf(original))
  })
})
