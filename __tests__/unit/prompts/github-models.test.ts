import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { builtinJudge } from '../../../src/assertions/github-builtins.js'
import { errorMessage, UserError } from '../../../src/errors.js'
import { parseGitHubModelsPrompt, toTestCases } from '../../../src/prompts/github-models.js'

const FILE = 'prompts/a.prompt.yml'

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/prompts/${name}`, import.meta.url), 'utf8')
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
        metric: "Output should start with 'Summary -'"
      },
      { type: 'gh-string', operator: 'contains', value: '{{subject}}', metric: 'Mentions the subject' },
      {
        type: 'llm-choice',
        prompt: 'Is this summary of "{{input}}" at most two sentences?\n{{completion}}\nAnswer Yes or No.\n',
        choices: [
          { choice: 'Yes', score: 1 },
          { choice: 'No', score: 0 }
        ],
        systemPrompt: 'You judge summaries.',
        modelId: 'openai/gpt-4o-mini',
        metric: 'Is it short?'
      },
      {
        type: 'llm-choice',
        builtin: 'github/similarity',
        prompt: similarity.prompt,
        choices: similarity.choices,
        systemPrompt: similarity.systemPrompt,
        threshold: 0.75,
        metric: 'Similar to expected'
      }
    ])
  })

  it('reads jsonSchema from a JSON string, lower-cases roles and keeps nested test data', () => {
    const prompt = parseGitHubModelsPrompt(fixture('json-schema.prompt.yml'), FILE, 'abc123')

    expect(prompt.version.responseFormat).toBe('json_schema')
    expect(prompt.version.jsonSchema).toEqual({
      name: 'sentiment',
      strict: true,
      schema: {
        type: 'object',
        properties: { label: { type: 'string', enum: ['positive', 'negative'] } },
        required: ['label'],
        additionalProperties: false
      }
    })
    expect(prompt.version.messages).toEqual([{ role: 'user', content: 'Classify: {{text}}' }])
    expect(prompt.version.parameters).toEqual({})
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
    expect(prompt.version.jsonSchema).toEqual({ name: 'answer', schema: { type: 'object' } })
  })

  it('needs only model and messages, and then has no test data or evaluators', () => {
    const prompt = parseGitHubModelsPrompt(withBase(''), FILE, 'abc123')
    expect(prompt.version.name).toBeUndefined()
    expect(prompt.version.provider).toEqual({
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

  it("reports a message placeholder that a row has no value for, at the row's line", () => {
    const prompt = parseGitHubModelsPrompt(
      'model: m\nmessages:\n  - role: user\n    content: "About {{topic}}"\ntestData:\n  - topic: cats\n  - other: dogs\n',
      'prompts/x.prompt.yml',
      'abc123'
    )
    expect(() => toTestCases(prompt, 'prompts/x.prompt.yml')).toThrow(UserError)
    try {
      toTestCases(prompt, 'prompts/x.prompt.yml')
    } catch (error) {
      expect(errorMessage(error)).toBe(
        'prompts/x.prompt.yml:7: the placeholder {{topic}} has no value in testData row 2; add "topic" to that row or remove the placeholder'
      )
    }
  })

  it("reports an evaluator's placeholder that a row lacks, but allows {{completion}} in judge prompts", () => {
    const judged = withBase(
      'testData:\n  - input: a\nevaluators:\n  - name: j\n    llm:\n      prompt: "{{input}} {{completion}}"\n' +
        '      choices: [{choice: ok, score: 1}]\n'
    )
    expect(toTestCases(parseGitHubModelsPrompt(judged, FILE, 'abc123'), FILE)).toHaveLength(1)

    const checked = withBase(
      'testData:\n  - input: a\nevaluators:\n  - name: s\n    string:\n      contains: "{{word}}"\n'
    )
    expect(() => toTestCases(parseGitHubModelsPrompt(checked, FILE, 'abc123'), FILE)).toThrow(
      'the placeholder {{word}} has no value in testData row 1'
    )
  })

  it('says which var a built-in evaluator needs when a row lacks it', () => {
    const prompt = parseGitHubModelsPrompt(
      withBase(
        'testData:\n  - input: what is 2+2?\nevaluators:\n  - name: on topic\n    uses: github/groundedness\n'
      ),
      FILE,
      'abc123'
    )
    try {
      toTestCases(prompt, FILE)
      throw new Error('expected a UserError')
    } catch (error) {
      expect(errorMessage(error)).toBe(
        `${FILE}:6: evaluator "on topic" uses github/groundedness, which needs "expected" (the source text the ` +
          'output must stay within); add "expected" to testData row 1 or use another evaluator'
      )
    }
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
      'a duplicate key',
      'model: a\nmodel: b\n',
      `${FILE}:2:1: the key "model" appears twice in the same map; keep one`
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
      'a misspelled top-level key',
      withBase('evaluator: []\n'),
      `${FILE}:5:1: "evaluator" is not a known key; did you mean "evaluators"?`
    ],
    [
      'an unknown top-level key',
      withBase('owner: me\n'),
      `${FILE}:5:1: "owner" is not a known key; allowed keys: name, description, model, modelParameters, ` +
        'responseFormat, jsonSchema, messages, testData, evaluators'
    ],
    [
      'a misspelled model parameter',
      'model: openai/gpt-4o-mini\nmessages:\n  - {role: user, content: hi}\nmodelParameters:\n  temprature: 0.2\n',
      `${FILE}:5:3: "modelParameters.temprature" is not a known key; did you mean "temperature"?`
    ],
    [
      'a missing model',
      'messages:\n  - role: user\n    content: hi\n',
      `${FILE}:1:1: the file is missing "model": the model that answers, e.g. "openai/gpt-4o-mini"`
    ],
    [
      'an empty model',
      'model:\nmessages:\n  - {role: user, content: hi}\n',
      `${FILE}:1:1: "model" has no value; give the model that answers, e.g. "openai/gpt-4o-mini"`
    ],
    [
      'messages spelled wrong rather than missing',
      'model: m\nmesages:\n  - {role: user, content: hi}\n',
      `${FILE}:2:1: "mesages" is not a known key; did you mean "messages"?`
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
      'a message without content',
      'model: m\nmessages:\n  - role: user\n',
      `${FILE}:3:5: "messages[0]" is missing "content": the message text, with {{var}} placeholders`
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
      `${FILE}:5:13: "jsonSchema" is not valid JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)); fix it or write it as a YAML map`
    ],
    [
      'a jsonSchema without name and schema',
      withBase('responseFormat: json_schema\njsonSchema: \'{"type": "object"}\'\n'),
      `${FILE}:6:13: "jsonSchema" needs "name" (text) and "schema" (a JSON Schema object) for responseFormat json_schema, ` +
        'e.g. {name: answer, schema: {type: object, properties: {...}}}'
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
      'an evaluator of two kinds',
      withBase('evaluators:\n  - name: both\n    uses: github/fluency\n    string: {contains: a}\n'),
      `${FILE}:8:5: evaluators[0] ("both") has both "uses" and "string"; keep exactly one of "string", "llm" or "uses"`
    ],
    [
      'a string evaluator without an operator',
      withBase('evaluators:\n  - name: s\n    string: {}\n'),
      `${FILE}:7:13: "evaluators[0].string" needs one of contains, equals, startsWith, endsWith`
    ],
    [
      'a string evaluator with two operators',
      withBase('evaluators:\n  - name: s\n    string:\n      contains: a\n      endsWith: b\n'),
      `${FILE}:9:7: "evaluators[0].string" has both "contains" and "endsWith"; an evaluator checks one thing, so split it into two evaluators`
    ],
    [
      'a misspelled string operator',
      withBase('evaluators:\n  - name: s\n    string:\n      startWith: a\n'),
      `${FILE}:8:7: "evaluators[0].string.startWith" is not a known key; did you mean "startsWith"?`
    ],
    [
      'a misspelled built-in',
      withBase('evaluators:\n  - name: u\n    uses: github/similarty\n'),
      `${FILE}:7:11: "evaluators[0].uses" is "github/similarty", which is not a built-in evaluator; did you mean ` +
        '"github/similarity"? Known built-ins: github/similarity, github/coherence, github/fluency, github/relevance, github/groundedness'
    ],
    [
      'an unknown built-in',
      withBase('evaluators:\n  - name: u\n    uses: acme/tone\n'),
      `${FILE}:7:11: "evaluators[0].uses" is "acme/tone", which is not a built-in evaluator; known built-ins: ` +
        'github/similarity, github/coherence, github/fluency, github/relevance, github/groundedness'
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
