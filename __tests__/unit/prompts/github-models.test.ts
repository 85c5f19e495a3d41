import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { builtinJudge } from '../../../src/assertions/github-builtins.js'
import { UserError } from '../../../src/errors.js'
import { parseGitHubModelsPrompt, toTestCases } from '../../../src/prompts/github-models.js'
import type { PipelineWarning } from '../../../src/suites/types.js'

const FILE = 'prompts/a.prompt.yml'

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/prompts/${name}`, import.meta.url), 'utf8')
}

function jsonError(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    return (error as Error).message
  }
  return ''
}

function parseError(text: string): UserError {
  try {
    parseGitHubModelsPrompt(text, FILE, 'abc123')
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

/** A valid file with `extra` appended, so each error case changes one thing. */
function withBase(extra: string): string {
  return `model: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: hi\n${extra}`
}

describe('parseGitHubModelsPrompt on good files', () => {
  it('reads every field of a full prompt file', () => {
    const prompt = parseGitHubModelsPrompt(
      fixture('summarizer.prompt.yml'),
      'prompts/summarizer.prompt.yml',
      'f00d'
    )

    expect(prompt.version).toEqual({
      path: 'prompts/summarizer.prompt.yml',
      ref: 'f00d',
      name: 'Text Summarizer',
      provider: {
        id: 'github:openai/gpt-4o-mini',
        origin: { file: 'prompts/summarizer.prompt.yml', line: 3 }
      },
      parameters: { temperature: 0.5, maxTokens: 200, topP: 0.9 },
      keepMissingPlaceholders: true,
      messages: [
        {
          role: 'system',
          content: 'You are a text summarizer. Your only job is to summarize text given to you.'
        },
        {
          role: 'user',
          content: 'Summarize the given text, beginning with "Summary -":\n<text>\n{{input}}\n</text>\n'
        }
      ]
    })
    expect(prompt.testData).toEqual([
      {
        input: 'The quick brown fox jumped over the lazy dog.\nThe dog was too tired to react.\n',
        expected: 'Summary - A fox jumped over a lazy, unresponsive dog.',
        subject: 'fox'
      },
      {
        input: 'The sky is blue because air scatters short wavelengths more than long ones.',
        expected: 'Summary - Air scatters blue light the most.',
        subject: 'sky'
      }
    ])
    expect(prompt.testDataLines).toEqual([18, 23])
  })

  it('maps each kind of evaluator to an assertion spec named after it', () => {
    const prompt = parseGitHubModelsPrompt(
      fixture('summarizer.prompt.yml'),
      'prompts/summarizer.prompt.yml',
      'f00d'
    )
    const similarity = builtinJudge('github/similarity')!

    expect(prompt.evaluators).toEqual([
      {
        type: 'gh-string',
        operator: 'startsWith',
        value: 'Summary -',
        keepMissing: true,
        metric: "Output should start with 'Summary -'"
      },
      {
        type: 'gh-string',
        operator: 'contains',
        value: '{{subject}}',
        keepMissing: true,
        metric: 'Mentions the subject'
      },
      {
        type: 'llm-choice',
        prompt: 'Is this summary of "{{input}}" at most two sentences?\n{{completion}}\nAnswer Yes or No.\n',
        choices: [
          { choice: 'Yes', score: 1 },
          { choice: 'No', score: 0 }
        ],
        systemPrompt: 'You judge summaries.',
        modelId: 'openai/gpt-4o-mini',
        keepMissing: true,
        metric: 'Is it short?'
      },
      {
        type: 'llm-choice',
        builtin: 'github/similarity',
        prompt: similarity.prompt,
        choices: similarity.choices,
        systemPrompt: similarity.systemPrompt,
        defaultModelId: 'openai/gpt-4o',
        keepMissing: true,
        metric: 'Similar to expected'
      }
    ])
  })

  it('reads jsonSchema from a JSON string, lower-cases roles and keeps nested test data', () => {
    const prompt = parseGitHubModelsPrompt(fixture('json-schema.prompt.yml'), FILE, 'abc123')

    expect(prompt.version!.responseFormat).toBe('json_schema')
    expect(prompt.version!.jsonSchema).toEqual({
      name: 'sentiment',
      strict: true,
      schema: {
        type: 'object',
        properties: { label: { type: 'string', enum: ['positive', 'negative'] } },
        required: ['label'],
        additionalProperties: false
      }
    })
    expect(prompt.version!.messages).toEqual([{ role: 'user', content: 'Classify: {{text}}' }])
    expect(prompt.version!.parameters).toEqual({})
    expect(prompt.testData[0]).toEqual({
      text: 'I love it',
      expected: 'positive',
      meta: { source: 'review', stars: 5 }
    })
  })

  it('accepts jsonSchema written as a YAML map', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase('responseFormat: json_schema\njsonSchema:\n  name: answer\n  schema:\n    type: object\n'),
      FILE,
      'abc123'
    )
    expect(prompt.version!.jsonSchema).toEqual({ name: 'answer', schema: { type: 'object' } })
  })

  it('needs only model and messages, and then has no test data or evaluators', () => {
    const prompt = parseGitHubModelsPrompt(withBase(''), FILE, 'abc123')
    expect(prompt.version!.name).toBeUndefined()
    expect(prompt.version!.provider).toEqual({
      id: 'github:openai/gpt-4o-mini',
      origin: { file: 'prompts/a.prompt.yml', line: 1 }
    })
    expect(prompt.testData).toEqual([])
    expect(prompt.evaluators).toEqual([])
    expect(toTestCases(prompt, FILE)).toEqual([])
  })

  it('turns scalar string-evaluator values and choices into text', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase(
        'evaluators:\n  - name: n\n    string:\n      equals: 42\n' +
          '  - name: j\n    llm:\n      prompt: "{{completion}}"\n      choices:\n        - choice: 5\n          score: 1\n'
      ),
      FILE,
      'abc123'
    )
    expect(prompt.evaluators[0]).toMatchObject({ operator: 'equals', value: '42' })
    expect(prompt.evaluators[1]).toMatchObject({ choices: [{ choice: '5', score: 1 }] })
  })

  it('supports anchors and merge keys in test data', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase('testData:\n  - &base\n    lang: en\n    input: a\n  - <<: *base\n    input: b\n'),
      FILE,
      'abc123'
    )
    expect(prompt.testData).toEqual([
      { lang: 'en', input: 'a' },
      { lang: 'en', input: 'b' }
    ])
  })
})

describe('toTestCases', () => {
  it('makes one case per row, numbered from 1, with the evaluators as assertions', () => {
    const prompt = parseGitHubModelsPrompt(
      fixture('summarizer.prompt.yml'),
      'prompts/summarizer.prompt.yml',
      'f00d'
    )
    const cases = toTestCases(prompt, 'prompts/summarizer.prompt.yml')

    expect(cases.map(testCase => testCase.id)).toEqual(['1', '2'])
    expect(cases[1]).toEqual({
      id: '2',
      vars: prompt.testData[1],
      expected: 'Summary - Air scatters blue light the most.',
      assert: prompt.evaluators,
      source: { file: 'prompts/summarizer.prompt.yml', line: 23 }
    })
  })

  it('leaves expected out when the row has none or it is not text', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase('testData:\n  - input: a\n  - input: b\n    expected: 7\n'),
      FILE,
      'abc123'
    )
    const cases = toTestCases(prompt, FILE)
    expect(cases.map(testCase => 'expected' in testCase)).toEqual([false, false])
    expect(cases[1]?.vars).toEqual({ input: 'b', expected: 7 })
  })

  it("warns, at the row's line, about a message placeholder a row has no value for, and keeps the case", () => {
    const prompt = parseGitHubModelsPrompt(
      'model: m\nmessages:\n  - role: user\n    content: "About {{topic}}"\ntestData:\n  - topic: cats\n  - other: dogs\n',
      'prompts/x.prompt.yml',
      'abc123'
    )
    const warnings: PipelineWarning[] = []
    const cases = toTestCases(prompt, 'prompts/x.prompt.yml', warning => warnings.push(warning))
    expect(cases).toHaveLength(2)
    expect(warnings).toEqual([
      {
        message:
          'testData row 2 gives no value for {{topic}}, so it is sent as written, as gh models eval does; add "topic" to that row or fix the placeholder',
        file: 'prompts/x.prompt.yml',
        line: 7
      }
    ])
  })

  it("warns about an evaluator's placeholder that a row lacks, but allows {{completion}} in judge prompts", () => {
    const judged = withBase(
      'testData:\n  - input: a\nevaluators:\n  - name: j\n    llm:\n      prompt: "{{input}} {{completion}}"\n' +
        '      choices: [{choice: ok, score: 1}]\n'
    )
    const none: PipelineWarning[] = []
    expect(
      toTestCases(parseGitHubModelsPrompt(judged, FILE, 'abc123'), FILE, w => none.push(w))
    ).toHaveLength(1)
    expect(none).toEqual([])

    const checked = withBase(
      'testData:\n  - input: a\nevaluators:\n  - name: s\n    string:\n      contains: "{{word}}"\n'
    )
    const warnings: PipelineWarning[] = []
    toTestCases(parseGitHubModelsPrompt(checked, FILE, 'abc123'), FILE, w => warnings.push(w))
    expect(warnings.map(w => w.message)).toEqual([
      expect.stringContaining('testData row 1 gives no value for {{word}}')
    ])
  })

  it('warns about the var a built-in evaluator reads when a row lacks it, instead of failing', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase(
        'testData:\n  - input: what is 2+2?\nevaluators:\n  - name: on topic\n    uses: github/groundedness\n'
      ),
      FILE,
      'abc123'
    )
    const warnings: PipelineWarning[] = []
    expect(toTestCases(prompt, FILE, w => warnings.push(w))).toHaveLength(1)
    expect(warnings).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringContaining('no value for {{expected}}') })
    ])
  })
})

describe('parseGitHubModelsPrompt errors', () => {
  const cases: [string, string, string][] = [
    [
      'a YAML syntax error',
      'model: "openai\nmessages: []\n',
      `${FILE}:3:1: invalid YAML: missing closing "quote`
    ],
    [
      'tab indentation',
      'modelParameters:\n\ttemperature: 1\n',
      `${FILE}:2:1: YAML does not allow tabs for indentation; indent with spaces`
    ],
    [
      'several documents',
      'model: a\n---\nmodel: b\n',
      `${FILE}:2:1: the file holds more than one YAML document; a prompt file is one document, so remove the extra "---"`
    ],
    [
      'an alias without its anchor',
      withBase('testData:\n  - *row\n'),
      `${FILE}:6:5: the alias *row has no matching &row anchor before it`
    ],
    [
      'an empty file',
      '# nothing yet\n',
      `${FILE}: the file is empty; a prompt file needs at least "model" and "messages"`
    ],
    ['a list at the top', '- model: a\n', `${FILE}:1:1: the file must be a map of keys, not a list`],
    [
      'an empty model',
      'model:\nmessages:\n  - {role: user, content: hi}\n',
      `${FILE}:1:1: "model" has no value; give the model that answers, e.g. "openai/gpt-4o-mini"`
    ],
    [
      'messages spelled wrong rather than missing',
      'model: m\nmesages:\n  - {role: user, content: hi}\n',
      `${FILE}:1:1: the file is missing "messages": the chat messages, e.g. [{role: user, content: "Summarize {{input}}"}]`
    ],
    [
      'no messages',
      'model: m\nmessages: []\n',
      `${FILE}:2:11: "messages" must not be empty; list at least 1`
    ],
    [
      'a misspelled role',
      'model: m\nmessages:\n  - role: sytem\n    content: hi\n',
      `${FILE}:3:11: "messages[0].role" must be one of system, user, assistant, not "sytem"; did you mean "system"?`
    ],
    [
      'a temperature that is not a number',
      withBase('modelParameters:\n  temperature: warm\n'),
      `${FILE}:6:16: "modelParameters.temperature" must be a number, not "warm"`
    ],
    [
      'a temperature out of range',
      withBase('modelParameters:\n  temperature: 3\n'),
      `${FILE}:6:16: "modelParameters.temperature" must be at most 2, not 3`
    ],
    [
      'a fractional maxTokens',
      withBase('modelParameters:\n  maxTokens: 1.5\n'),
      `${FILE}:6:14: "modelParameters.maxTokens" must be a whole number, not 1.5`
    ],
    [
      'an unknown response format',
      withBase('responseFormat: json\n'),
      `${FILE}:5:17: "responseFormat" must be one of text, json_object, json_schema, not "json"`
    ],
    [
      'json_schema without a jsonSchema',
      withBase('responseFormat: json_schema\n'),
      `${FILE}:5:17: "responseFormat" is json_schema, so "jsonSchema" is required: {name, schema}, as a YAML map or a JSON string`
    ],
    [
      'a jsonSchema that is not JSON',
      withBase("jsonSchema: '{name: x}'\n"),
      `${FILE}:5:13: "jsonSchema" is not valid JSON (${jsonError('{name: x}')}); fix it or write it as a YAML map`
    ],
    [
      'a jsonSchema without name and schema',
      withBase('responseFormat: json_schema\njsonSchema: \'{"type": "object"}\'\n'),
      `${FILE}:6:13: "jsonSchema" needs "name" for responseFormat json_schema: {name, schema}, ` +
        'e.g. {"name": "answer", "schema": {"type": "object", "properties": {...}}}'
    ],
    [
      'a jsonSchema with a name but no schema',
      withBase('responseFormat: json_schema\njsonSchema: \'{"name": "x"}\'\n'),
      `${FILE}:6:13: "jsonSchema" needs "schema" for responseFormat json_schema: {name, schema}, ` +
        'e.g. {"name": "answer", "schema": {"type": "object", "properties": {...}}}'
    ],
    [
      'a list where message content belongs',
      'model: m\nmessages:\n  - role: user\n    content: [a, b]\n',
      `${FILE}:4:14: "messages[0].content" must be text, not a list`
    ],
    [
      'test data but no model',
      'messages:\n  - {role: user, content: hi}\ntestData:\n  - input: a\n',
      `${FILE}:4:3: the file has "testData" but no "model", so nothing can answer it; add "model", e.g. model: openai/gpt-4o-mini ` +
        '(or list the file in a suite of .github/promptgate.yml whose "provider" answers it)'
    ],
    [
      'a testData row that is not a map',
      withBase('testData:\n  - just text\n'),
      `${FILE}:6:5: "testData[0]" must be a map of keys, not "just text"`
    ],
    [
      'an evaluator without a name',
      withBase('evaluators:\n  - uses: github/fluency\n'),
      `${FILE}:6:5: "evaluators[0]" is missing "name": the metric name shown in the report`
    ],
    [
      'an evaluator of no kind',
      withBase('evaluators:\n  - name: empty\n'),
      `${FILE}:6:5: evaluators[0] ("empty") needs one of "string", "llm" or "uses"`
    ],
    [
      'a string evaluator without an operator',
      withBase('evaluators:\n  - name: s\n    string: {}\n'),
      `${FILE}:7:13: "evaluators[0].string" needs one of contains, equals, startsWith, endsWith with a non-empty value`
    ],
    [
      'an llm evaluator without choices',
      withBase('evaluators:\n  - name: j\n    llm:\n      prompt: p\n'),
      `${FILE}:8:7: "evaluators[0].llm" is missing "choices": the judge's possible answers and their scores, ` +
        'e.g. [{choice: "Yes", score: 1}, {choice: "No", score: 0}]'
    ],
    [
      'a choice scored above 1',
      withBase(
        'evaluators:\n  - name: j\n    llm:\n      prompt: p\n      choices:\n        - choice: good\n          score: 5\n'
      ),
      `${FILE}:11:18: "evaluators[0].llm.choices[0].score" must be at most 1, not 5`
    ],
    [
      'two evaluators with one name',
      withBase(
        'evaluators:\n  - name: tone\n    uses: github/fluency\n  - name: tone\n    uses: github/coherence\n'
      ),
      `${FILE}:8:11: "evaluators[1].name" is "tone", which evaluators[0] already uses; each evaluator needs its own ` +
        'name because the name is its metric'
    ]
  ]

  it.each(cases)('reports %s at its line and column', (_title, text, message) => {
    expect(parseError(text).describe()).toBe(message)
  })

  it('reports the problem that comes first in the file when there are several', () => {
    const text = 'model: m\nmessages:\n  - role: usr\n    content: hi\nmodelParameters:\n  topP: 2\n'
    expect(parseError(text).describe()).toBe(
      `${FILE}:3:11: "messages[0].role" must be one of system, user, assistant, not "usr"; did you mean "user"?`
    )
  })

  it('carries file, line and column on the error for annotations', () => {
    const error = parseError(withBase('modelParameters:\n  temperature: warm\n'))
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({
      file: FILE,
      line: 6,
      column: 16
    })
  })
})

describe('parseGitHubModelsPrompt is lenient where gh models eval is', () => {
  const parse = (text: string) => parseGitHubModelsPrompt(text, FILE, 'abc123')

  it('ignores unknown keys at every level, with a warning at each and a did-you-mean', () => {
    const prompt = parse(
      'model: openai/gpt-4o-mini\nowner: me\nmodelParameters:\n  max_tokens: 50\n  temperature: 0.1\n' +
        'messages:\n  - role: user\n    content: hi\n    name: bob\n' +
        'evaluators:\n  - name: s\n    string:\n      startWith: a\n      contains: b\n'
    )
    expect(prompt.warnings).toEqual([
      {
        message: '"owner" is not a key gh models eval reads, so it is ignored',
        file: FILE,
        line: 2
      },
      {
        message:
          '"max_tokens" in "modelParameters" is not a key gh models eval reads, so it is ignored; did you mean "maxTokens"?',
        file: FILE,
        line: 4
      },
      {
        message: '"name" in "messages[0]" is not a key gh models eval reads, so it is ignored',
        file: FILE,
        line: 9
      },
      {
        message:
          '"startWith" in "evaluators[0].string" is not a key gh models eval reads, so it is ignored; did you mean "startsWith"?',
        file: FILE,
        line: 13
      }
    ])
    expect(prompt.version!.parameters).toEqual({ temperature: 0.1 })
    expect(prompt.version!.messages).toEqual([{ role: 'user', content: 'hi' }])
    expect(prompt.evaluators[0]).toMatchObject({ operator: 'contains', value: 'b' })
  })

  it('warns about a key that appears twice and uses the later value', () => {
    const prompt = parse('model: a\nmodel: b\nmessages:\n  - {role: user, content: hi}\n')
    expect(prompt.version!.provider.id).toBe('github:b')
    expect(prompt.warnings).toEqual([
      {
        message: 'the key "model" appears twice in the same map; the later value is used, so keep one',
        file: FILE,
        line: 2
      }
    ])
  })

  it('has nothing to evaluate without a model and without test data', () => {
    const prompt = parse('name: draft\nmessages:\n  - {role: user, content: hi}\n')
    expect(prompt.version).toBeUndefined()
    expect(prompt.nothing).toBe('no "model" and no "testData"')
  })

  it('sends empty, null or missing content as empty text, and a number or boolean as its text', () => {
    const prompt = parse(
      'model: m\nmessages:\n  - role: system\n    content:\n  - role: system\n    content: null\n' +
        '  - role: system\n    content: ""\n  - role: user\n  - role: user\n    content: 42\n  - role: user\n    content: true\n'
    )
    expect(prompt.version!.messages.map(message => message.content)).toEqual(['', '', '', '', '42', 'true'])
  })

  it('counts only the first kind of an evaluator that names several (string, then llm, then uses)', () => {
    const prompt = parse(
      withBase('evaluators:\n  - name: both\n    uses: github/fluency\n    string: {contains: a}\n')
    )
    expect(prompt.evaluators[0]).toMatchObject({ type: 'gh-string', operator: 'contains', value: 'a' })
    expect(prompt.warnings).toEqual([
      {
        message:
          'evaluators[0] ("both") has both "string" and "uses"; only "string" counts (as in gh models eval), so remove "uses" or split it into its own evaluator',
        file: FILE,
        line: 7
      }
    ])
  })

  it('counts only the first of equals, contains, startsWith, endsWith with a value, whatever the file order', () => {
    const prompt = parse(
      withBase(
        'evaluators:\n  - name: s\n    string:\n      endsWith: z\n      contains: ""\n      startsWith: a\n'
      )
    )
    expect(prompt.evaluators[0]).toMatchObject({ operator: 'startsWith', value: 'a' })
    expect(prompt.warnings).toEqual([
      {
        message:
          '"evaluators[0].string" has both "startsWith" and "endsWith"; only "startsWith" counts (as in gh models eval), so split it into two evaluators',
        file: FILE,
        line: 8
      }
    ])
  })

  it('keeps an unknown built-in as an evaluator that fails, and warns with a did-you-mean', () => {
    const prompt = parse(withBase('evaluators:\n  - name: u\n    uses: github/similarty\n'))
    expect(prompt.evaluators).toEqual([
      { type: 'gh-unknown-evaluator', uses: 'github/similarty', metric: 'u' }
    ])
    expect(prompt.warnings[0]).toEqual({
      message: expect.stringContaining(
        '"evaluators[0].uses" is "github/similarty", which is not a built-in evaluator, so it scores 0 and fails every row (as in gh models eval); did you mean "github/similarity"?'
      ),
      file: FILE,
      line: 7
    })
  })

  it('accepts a jsonSchema JSON string whose name and schema are any JSON, as gh models eval checks only that they are there', () => {
    const prompt = parse(
      withBase('responseFormat: json_schema\njsonSchema: \'{"name": 1, "schema": true}\'\n')
    )
    expect(prompt.version!.jsonSchema).toEqual({ name: 1, schema: true })
  })
})
