import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { readFileSync } from 'node:fs'
import { buildJsonReport } from '../../../src/report/json.js'
import { assertion, promptResults, reportInput, typicalPrompt } from './fixtures.js'

const schema = JSON.parse(
  readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')
) as object
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema)

function expectValid(report: unknown): void {
  // Through JSON, as the file is written and read.
  const valid = validate(JSON.parse(JSON.stringify(report)))
  expect(validate.errors ?? []).toEqual([])
  expect(valid).toBe(true)
}

const detailed = () =>
  promptResults('prompts/a.md', [
    {
      id: 'c1',
      description: 'first',
      vars: { question: 'Why?', n: 3, tags: ['a', 'b'] },
      expected: 'because',
      base: { output: 'because', latencyMs: 120, tokens: 40, cost: 0.0001, cached: true },
      head: {
        output: 'no idea',
        pass: false,
        latencyMs: 340,
        tokens: 55,
        cost: 0.0002,
        assertions: [
          assertion('icontains', false, 0, { reason: 'expected "because"' }),
          assertion('levenshtein', true, 0.6)
        ]
      }
    },
    { id: 'c2', base: 'x', head: { error: 'HTTP 429: rate limited' } }
  ])

describe('buildJsonReport', () => {
  it('holds every case with vars, both outputs and every assertion', () => {
    const report = buildJsonReport(reportInput([detailed()]))
    const [first, second] = report.prompts[0]!.cases
    expect(first).toEqual({
      id: 'c1',
      description: 'first',
      vars: { question: 'Why?', n: 3, tags: ['a', 'b'] },
      expected: 'because',
      change: 'regressed',
      changedMetrics: ['icontains', 'levenshtein'],
      base: {
        output: 'because',
        latencyMs: 120,
        tokens: { prompt: 30, completion: 10, total: 40 },
        cost: 0.0001,
        cached: true,
        pass: true,
        score: 1,
        assertions: [{ metric: 'icontains', type: 'icontains', pass: true, score: 1, weight: 1 }]
      },
      head: {
        output: 'no idea',
        latencyMs: 340,
        tokens: { prompt: 45, completion: 10, total: 55 },
        cost: 0.0002,
        cached: false,
        pass: false,
        score: 0,
        assertions: [
          {
            metric: 'icontains',
            type: 'icontains',
            pass: false,
            score: 0,
            weight: 1,
            reason: 'expected "because"'
          },
          { metric: 'levenshtein', type: 'levenshtein', pass: true, score: 0.6, weight: 1 }
        ]
      }
    })
    expect(second).toMatchObject({
      id: 'c2',
      change: 'error',
      head: { error: 'HTTP 429: rate limited', output: '' }
    })
  })

  it('holds the aggregates, the counts and both verdicts', () => {
    const report = buildJsonReport(
      reportInput([typicalPrompt(), detailed()], { verdict: 'error', error: 'A model call failed.' })
    )
    expect(report.schemaVersion).toBe(1)
    expect(report.verdict).toBe('error')
    expect(report.gateVerdict).toBe('error')
    expect(report.error).toBe('A model call failed.')
    expect(report.prompts[0]!.counts).toEqual({
      error: 0,
      regressed: 1,
      improved: 1,
      changed: 1,
      new: 0,
      unchanged: 2
    })
    expect(report.prompts[0]!.metrics[0]).toEqual({
      metric: 'pass_rate',
      base: 0.8,
      head: 0.8,
      delta: 0,
      threshold: { max_drop: 0 },
      status: 'met'
    })
    expect(report.totals).toMatchObject({ calls: 14, tokens: { base: 40, head: 55 }, durationMs: 12_345 })
    expect(report.totals.cost.head).toBeCloseTo(0.0002)
  })

  it.each([
    ['regressed and errored', () => reportInput([typicalPrompt(), detailed()])],
    [
      'overridden',
      () => reportInput([typicalPrompt()], { verdict: 'overridden', overrideLabel: 'promptgate:accept' })
    ],
    ['added', () => reportInput([promptResults('new.md', [{ head: 'x' }], { status: 'added' })])],
    ['removed only', () => reportInput([promptResults('gone.md', [], { status: 'removed' })])],
    ['empty', () => reportInput([])]
  ])('validates against schema/report.schema.json when %s', (_, input) => {
    expectValid(buildJsonReport(input()))
  })

  it('has a gh_models section with the head rows of *.prompt.yml files only, in the shape of gh models eval --json', () => {
    const input = reportInput([
      promptResults('prompts/a.prompt.yml', [
        { vars: { input: 'q1' }, base: 'old', head: ' yes \n' },
        { vars: { input: 'q2' }, base: 'old', head: { output: 'no', pass: false } },
        { vars: { input: 'q3' }, base: 'old', head: { error: 'HTTP 500' } }
      ]),
      promptResults('prompts/b.md', [{ base: 'a', head: 'b' }])
    ])
    const report = buildJsonReport(input)
    expectValid(report)
    expect(report.gh_models).toHaveLength(1)
    const [file] = report.gh_models!
    expect(file!.file).toBe('prompts/a.prompt.yml')
    expect(file!.summary).toEqual({ totalTests: 3, passedTests: 1, failedTests: 2, passRate: (1 / 3) * 100 })
    expect(file!.testResults[0]).toEqual({
      testCase: { input: 'q1' },
      modelResponse: 'yes',
      evaluationResults: [expect.objectContaining({ evaluatorName: 'icontains', score: 1, passed: true })]
    })
    expect(file!.testResults[2]!.evaluationResults).toEqual([
      { evaluatorName: 'call', score: 0, passed: false, details: 'the model call failed: HTTP 500' }
    ])
    expect(
      buildJsonReport(reportInput([promptResults('prompts/b.md', [{ base: 'a', head: 'b' }])])).gh_models
    ).toBeUndefined()
  })

  it('is rejected by the schema when a required field is missing', () => {
    const report = JSON.parse(JSON.stringify(buildJsonReport(reportInput([detailed()])))) as {
      prompts: { cases: { change?: string }[] }[]
    }
    delete report.prompts[0]!.cases[0]!.change
    expect(validate(report)).toBe(false)
  })
})
