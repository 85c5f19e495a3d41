import { describe, expect, it } from '@jest/globals'
import { renderMessages as evaluationRender } from '../../../src/prompts/template.js'
import { renderMessages } from '../../../src/runtime/render.js'
import type { PromptMessage } from '../../../src/runtime/types.js'

type Case = [string, string, Record<string, unknown>]

// Each template is rendered by the runtime and by the evaluation (src/prompts/template.ts): same text.
const CASES: Case[] = [
  ['a plain name', 'Hello {{name}}!', { name: 'Ada' }],
  ['spaces inside the braces', 'Hello {{  name }}.', { name: 'Ada' }],
  ['a dotted path', 'Body: {{issue.body}}', { issue: { body: 'It crashes' } }],
  ['a key that itself holds dots wins', '{{a.b}}', { 'a.b': 'flat', a: { b: 'nested' } }],
  ['hyphens and underscores', '{{_x-y}} {{x_1}}', { '_x-y': 1, x_1: 2 }],
  ['a value holding a placeholder is inserted as is', 'Say {{text}}', { text: '{{name}}', name: 'no' }],
  ['an object is JSON', 'Labels: {{labels}}', { labels: ['bug', { area: 'ui' }] }],
  ['numbers and booleans', '{{n}} {{flag}} {{zero}}', { n: 3.5, flag: false, zero: 0 }],
  ['an empty string is a value', '[{{empty}}]', { empty: '' }],
  ['not a placeholder: left as text', '{{ 1abc }} {name} {{a..b}} {{}}', {}],
  ['the same placeholder twice', '{{x}}-{{x}}', { x: 'y' }],
  ['multi-line text', 'Title: {{title}}\nBody:\n{{body}}\n', { title: 'T', body: 'line 1\nline 2' }],
  ['a dollar pattern in a value', 'Price: {{price}}', { price: "$& $1 $$ $'" }]
]

describe('render', () => {
  it.each(CASES)('%s: the same text as the evaluation', (_name, template, vars) => {
    const messages: PromptMessage[] = [
      { role: 'system', content: 'You triage issues.' },
      { role: 'user', content: template }
    ]
    const ours = renderMessages(messages, vars, '"p" v1')
    expect(ours).toEqual(evaluationRender(messages, vars, { file: 'p' }))
    expect(ours[0]).toEqual(messages[0])
  })

  it('fills the values in the expected places', () => {
    const [message] = renderMessages(
      [{ role: 'user', content: '{{a}} and {{ b.c }}' }],
      { a: 1, b: { c: 'two' } },
      'x'
    )
    expect(message).toEqual({ role: 'user', content: '1 and two' })
  })

  it.each([
    ['absent', {}],
    ['null', { title: null }],
    ['a path that stops early', { title: 'x', issue: 'not an object' }]
  ])('throws naming a missing value (%s), as the evaluation does', (_name, vars) => {
    const messages: PromptMessage[] = [{ role: 'user', content: '{{title}} {{issue.body}}' }]
    expect(() => evaluationRender(messages, vars, { file: 'p' })).toThrow()
    const missing = 'title' in vars && vars.title !== null ? 'issue.body' : 'title'
    expect(() => renderMessages(messages, vars, '"prompts/triage.prompt.yml" v3')).toThrow(
      `promptgate/runtime: the placeholder {{${missing}}} in "prompts/triage.prompt.yml" v3 has no value; pass "${missing}" to render()`
    )
  })
})
