import { describe, expect, it } from '@jest/globals'
import { errorMessage, UserError } from '../../../src/errors.js'
import {
  missingVariables,
  renderMessages,
  renderTemplate,
  templateVariables
} from '../../../src/prompts/template.js'

const where = { file: 'prompts/x.prompt.yml', what: 'testData row 2' }

function failure(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('renderTemplate', () => {
  it('fills placeholders with and without inner spaces', () => {
    expect(renderTemplate('Hi {{name}}, {{ greeting }}!', { name: 'Ada', greeting: 'welcome' }, where)).toBe(
      'Hi Ada, welcome!'
    )
  })

  it('follows dotted paths into nested values', () => {
    expect(renderTemplate('{{user.address.city}}', { user: { address: { city: 'Oslo' } } }, where)).toBe(
      'Oslo'
    )
  })

  it('prefers a key that itself contains a dot over a path', () => {
    expect(renderTemplate('{{a.b}}', { 'a.b': 'flat', a: { b: 'nested' } }, where)).toBe('flat')
  })

  it('inserts numbers and booleans as text and objects and lists as JSON', () => {
    const vars = { count: 3, ratio: 0.5, ok: false, tags: ['x', 'y'], meta: { k: 1 } }
    expect(renderTemplate('{{count}} {{ratio}} {{ok}} {{tags}} {{meta}}', vars, where)).toBe(
      '3 0.5 false ["x","y"] {"k":1}'
    )
  })

  it('inserts strings as they are, and does not expand placeholders inside values', () => {
    expect(renderTemplate('{{a}}', { a: 'literal {{b}} and "quotes"', b: 'never' }, where)).toBe(
      'literal {{b}} and "quotes"'
    )
  })

  it('keeps an empty string and fills repeated placeholders', () => {
    expect(renderTemplate('[{{a}}][{{a}}]', { a: '' }, where)).toBe('[][]')
  })

  it('leaves braces that are not placeholders alone', () => {
    const json = 'Answer as {"label": {{label}}} or {{ "raw": 1 }}'
    expect(renderTemplate(json, { label: '"yes"' }, where)).toBe(
      'Answer as {"label": "yes"} or {{ "raw": 1 }}'
    )
  })

  it('names the file, the row and the variable when a placeholder has no value', () => {
    const error = failure(() => renderTemplate('About {{topic}}', { other: 1 }, where))
    expect(error).toBeInstanceOf(UserError)
    expect(errorMessage(error)).toBe(
      'prompts/x.prompt.yml: the placeholder {{topic}} has no value in testData row 2; add "topic" to that row or remove the placeholder'
    )
  })

  it('adds the line when one is known', () => {
    const error = failure(() => renderTemplate('{{topic}}', {}, { ...where, line: 14 }))
    expect(errorMessage(error)).toMatch(/^prompts\/x\.prompt\.yml:14: the placeholder \{\{topic\}\}/)
  })

  it("speaks of the test case's vars when no row is named", () => {
    const error = failure(() => renderTemplate('{{ topic }}', {}, { file: 'evals/a.jsonl' }))
    expect(errorMessage(error)).toBe(
      'evals/a.jsonl: the placeholder {{topic}} has no value in the test case\'s vars; add "topic" to the test case\'s vars or remove the placeholder'
    )
  })

  it('treats null and a missing nested field as no value', () => {
    expect(errorMessage(failure(() => renderTemplate('{{a}}', { a: null }, where)))).toContain(
      '{{a}} has no value'
    )
    expect(errorMessage(failure(() => renderTemplate('{{a.b}}', { a: { c: 1 } }, where)))).toContain(
      'add "a.b" to that row'
    )
    expect(errorMessage(failure(() => renderTemplate('{{a.b}}', { a: 'text' }, where)))).toContain('{{a.b}}')
  })
})

describe('templateVariables', () => {
  it('lists each placeholder once, in order of first use', () => {
    expect(templateVariables('{{b}} {{ a }} {{b}} {{c.d}} {{ "x": 1 }}')).toEqual(['b', 'a', 'c.d'])
  })

  it('returns nothing for a template without placeholders', () => {
    expect(templateVariables('plain {text}')).toEqual([])
  })
})

describe('renderMessages', () => {
  it('renders every message and keeps the roles', () => {
    const messages = renderMessages(
      [
        { role: 'system', content: 'You answer in {{lang}}.' },
        { role: 'user', content: '{{question}}' }
      ],
      { lang: 'French', question: 'Why?' },
      where
    )
    expect(messages).toEqual([
      { role: 'system', content: 'You answer in French.' },
      { role: 'user', content: 'Why?' }
    ])
  })

  it('fails on the first message with a missing value', () => {
    const error = failure(() => renderMessages([{ role: 'user', content: '{{missing}}' }], {}, where))
    expect(errorMessage(error)).toContain('{{missing}} has no value in testData row 2')
  })
})

describe('placeholders without a value, kept as gh models eval keeps them', () => {
  it('leaves a missing or null placeholder as written, spaces included, and fills the rest', () => {
    const where = { file: 'prompts/a.prompt.yml', keepMissing: true }
    expect(renderTemplate('{{ a }} {{b}} {{c}} {{d.e}}', { b: 1, c: null, d: {} }, where)).toBe(
      '{{ a }} 1 {{c}} {{d.e}}'
    )
  })

  it('lists the names a vars map gives no value, once each', () => {
    expect(missingVariables('{{a}} {{ b }} {{a}} {{c}} {{n.x}}', { b: 'x', c: null, n: { x: 0 } })).toEqual([
      'a',
      'c'
    ])
  })
})

describe('keys that are not names', () => {
  it('does not fill or report {{user name}} or {{a+b}}, even when the vars have such keys', () => {
    const vars = { 'user name': 'Ada', 'a+b': 3 }
    expect(renderTemplate('{{user name}} {{a+b}}', vars, { file: 'f', keepMissing: true })).toBe(
      '{{user name}} {{a+b}}'
    )
    expect(missingVariables('{{user name}} {{a+b}}', {})).toEqual([])
  })
})
