import { describe, expect, it } from '@jest/globals'
import type { ProviderConfig } from '../../../src/config/types.js'
import { errorMessage, UserError } from '../../../src/errors.js'
import { parsePromptTemplateFile } from '../../../src/prompts/template-file.js'

const REF = 'a'.repeat(40)
const OPENAI: ProviderConfig = {
  id: 'openai:gpt-4o-mini',
  baseUrl: 'http://localhost:11434/v1',
  apiKeyEnv: 'LLM_KEY',
  parameters: { temperature: 0, maxTokens: 256 }
}

const lines = (...text: string[]) => `${text.join('\n')}\n`

function failure(text: string, path: string, provider: ProviderConfig | 'none' = OPENAI): UserError {
  try {
    parsePromptTemplateFile(text, path, REF, provider === 'none' ? undefined : provider)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected parsePromptTemplateFile to fail')
}

describe('parsePromptTemplateFile: text and markdown templates', () => {
  it('sends a plain text file as the user message, with the provider and its parameters', () => {
    const version = parsePromptTemplateFile('Classify: {{title}}\n', 'prompts/triage.txt', REF, OPENAI)
    expect(version).toEqual({
      path: 'prompts/triage.txt',
      ref: REF,
      provider: {
        id: 'openai:gpt-4o-mini',
        baseUrl: 'http://localhost:11434/v1',
        apiKeyEnv: 'LLM_KEY',
        origin: { file: 'prompts/triage.txt' }
      },
      parameters: { temperature: 0, maxTokens: 256 },
      messages: [{ role: 'user', content: 'Classify: {{title}}' }]
    })
  })

  it('reads system and model parameters from front matter, over the provider parameters', () => {
    const text = lines(
      '---',
      'name: Triage',
      'system: You label GitHub issues.',
      'temperature: 0.5',
      'top_p: 0.9',
      '---',
      '',
      '# Issue',
      '',
      '{{body}}'
    )
    const version = parsePromptTemplateFile(text, 'prompts/triage.md', REF, OPENAI)
    expect(version.name).toBe('Triage')
    expect(version.parameters).toEqual({ temperature: 0.5, maxTokens: 256, topP: 0.9 })
    expect(version.messages).toEqual([
      { role: 'system', content: 'You label GitHub issues.' },
      { role: 'user', content: '# Issue\n\n{{body}}' }
    ])
  })

  it('keeps a markdown horizontal rule that is not at the top as part of the message', () => {
    const version = parsePromptTemplateFile('Intro\n\n---\n\nMore\n', 'p.md', REF, OPENAI)
    expect(version.messages).toEqual([{ role: 'user', content: 'Intro\n\n---\n\nMore' }])
  })

  it('takes a model name from front matter into the provider kind, and a full id as the provider', () => {
    const model = parsePromptTemplateFile('---\nmodel: gpt-4o\n---\nHi', 'p.md', REF, OPENAI)
    expect(model.provider).toEqual({ ...model.provider, id: 'openai:gpt-4o', baseUrl: OPENAI.baseUrl })
    const other = parsePromptTemplateFile('---\nmodel: github:openai/gpt-4o\n---\nHi', 'p.md', REF, OPENAI)
    expect(other.provider).toEqual({ id: 'github:openai/gpt-4o', origin: { file: 'p.md', line: 2 } })
    const colon = parsePromptTemplateFile('---\nmodel: llama3:8b\n---\nHi', 'p.md', REF, OPENAI)
    expect(colon.provider.id).toBe('openai:llama3:8b')
  })

  it('needs a model from front matter when the suite has no provider', () => {
    const full = parsePromptTemplateFile('---\nmodel: openai:gpt-4o\n---\nHi', 'p.md', REF, undefined)
    expect(full.provider).toEqual({ id: 'openai:gpt-4o', origin: { file: 'p.md', line: 2 } })
    expect(errorMessage(failure('Hi', 'p.md', 'none'))).toMatch(
      /^p\.md:1: no model: add "model: <kind>:<model>"/
    )
    expect(errorMessage(failure('---\n\nmodel: gpt-4o\n---\nHi', 'p.md', 'none'))).toMatch(
      /^p\.md:3: "model: gpt-4o" names no provider kind/
    )
  })

  it('reads a file with Windows line endings and a byte order mark', () => {
    const version = parsePromptTemplateFile(
      '\uFEFF---\r\nsystem: Be brief.\r\n---\r\nHi {{name}}\r\n',
      'p.md',
      REF,
      OPENAI
    )
    expect(version.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi {{name}}' }
    ])
  })
})

describe('parsePromptTemplateFile: template errors name the file, line and column', () => {
  it('an unknown front matter key, with a suggestion', () => {
    const error = failure(lines('---', 'system: x', 'temprature: 0', '---', 'Hi'), 'prompts/a.md')
    expect(errorMessage(error)).toBe(
      'prompts/a.md:3:1: "temprature" is not a prompt setting; did you mean "temperature"?'
    )
  })

  it('a parameter of the wrong type or out of range', () => {
    expect(errorMessage(failure(lines('---', 'max_tokens: 0.5', '---', 'Hi'), 'a.md'))).toBe(
      'a.md:2:13: "max_tokens" must be a whole number of 1 or more, not 0.5'
    )
    expect(errorMessage(failure(lines('---', 'temperature: 3', '---', 'Hi'), 'a.md'))).toBe(
      'a.md:2:14: "temperature" must be a number from 0 to 2, not 3'
    )
    expect(errorMessage(failure(lines('---', 'system: [a]', '---', 'Hi'), 'a.md'))).toBe(
      'a.md:2:9: "system" must be text, not a list'
    )
  })

  it('front matter that is not closed, not a mapping, or not YAML', () => {
    expect(errorMessage(failure(lines('---', 'system: x', 'Hi'), 'a.md'))).toMatch(
      /^a\.md:1:1: the front matter that starts here is not closed/
    )
    expect(errorMessage(failure(lines('---', '- a', '---', 'Hi'), 'a.md'))).toMatch(
      /^a\.md:2:1: the front matter must be a mapping of settings/
    )
    expect(failure(lines('---', 'system: "open', '---', 'Hi'), 'a.md')).toMatchObject({
      file: 'a.md',
      line: 2
    })
  })

  it('an empty template', () => {
    expect(errorMessage(failure(lines('---', 'system: x', '---', '', '  '), 'a.md'))).toMatch(
      /^a\.md:1: the template is empty/
    )
  })
})

describe('parsePromptTemplateFile: chat files', () => {
  const chat = [
    { role: 'system', content: 'You label issues.' },
    { role: 'user', content: 'Label: {{title}}' }
  ]

  it('reads a JSON list of messages', () => {
    const version = parsePromptTemplateFile(JSON.stringify(chat, null, 2), 'prompts/triage.json', REF, OPENAI)
    expect(version.messages).toEqual(chat)
    expect(version.parameters).toEqual(OPENAI.parameters)
  })

  it('reads a YAML list, and a mapping with messages and settings; roles in any case', () => {
    const list = lines(
      '- role: System',
      '  content: You label issues.',
      '- role: user',
      '  content: "Label: {{title}}"'
    )
    expect(parsePromptTemplateFile(list, 'prompts/triage.yaml', REF, OPENAI).messages).toEqual(chat)
    const mapping = lines(
      'model: gpt-4o',
      'max_tokens: 64',
      'messages:',
      '  - { role: system, content: You label issues. }',
      '  - { role: user, content: "Label: {{title}}" }'
    )
    const version = parsePromptTemplateFile(mapping, 'prompts/triage.yml', REF, OPENAI)
    expect(version.messages).toEqual(chat)
    expect(version.provider.id).toBe('openai:gpt-4o')
    expect(version.parameters).toEqual({ temperature: 0, maxTokens: 64 })
  })

  it('reports JSON syntax errors at their line and column', () => {
    const error = failure('[\n  { "role": "user", "content": "Hi" },\n]\n', 'p.json')
    expect(error).toMatchObject({ file: 'p.json', line: 3, column: 1 })
    expect(error.message).toMatch(/^invalid JSON/)
  })

  it('reports a bad role, a missing content, an unknown key and a missing user message at their lines', () => {
    expect(errorMessage(failure(lines('- role: usr', '  content: Hi'), 'p.yaml'))).toBe(
      'p.yaml:1:9: the role of message 1 must be system, user or assistant, not "usr"; did you mean "user"?'
    )
    expect(errorMessage(failure(lines('- role: user', '  content: Hi', '- role: assistant'), 'p.yaml'))).toBe(
      'p.yaml:3:3: the content of message 2 must be text, not empty'
    )
    expect(errorMessage(failure(lines('- role: user', '  contnet: Hi'), 'p.yaml'))).toBe(
      'p.yaml:2:3: message 1 has an unknown key "contnet"; did you mean "content"?'
    )
    expect(errorMessage(failure(lines('- role: system', '  content: Hi'), 'p.yaml'))).toMatch(
      /^p\.yaml:1:1: the messages have no "user" message/
    )
  })

  it('reports a file that is neither a list nor a mapping with messages', () => {
    expect(errorMessage(failure('"just text"\n', 'p.json'))).toMatch(
      /^p\.json:1:1: the file must hold a list/
    )
    expect(errorMessage(failure(lines('temperature: 0'), 'p.yaml'))).toMatch(
      /^p\.yaml:1:1: the file has no "messages"/
    )
    expect(errorMessage(failure(lines('messages: []'), 'p.yaml'))).toMatch(
      /^p\.yaml:1:11: the message list is empty/
    )
    expect(
      errorMessage(failure(lines('messages: [{role: user, content: x}]', 'temprature: 1'), 'p.yaml'))
    ).toBe('p.yaml:2:1: "temprature" is not a prompt setting; did you mean "temperature"?')
  })
})
