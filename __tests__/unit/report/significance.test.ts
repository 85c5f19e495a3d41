import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { readFileSync } from 'node:fs'
import { renderComment, renderJobSummary } from '../../../src/report/comment.js'
import { buildJsonReport } from '../../../src/report/json.js'
import {
  manyCases,
  promptResults,
  repeatedPromptResults,
  reportInput,
  runs,
  typicalPrompt,
  type CaseSpec
} from './fixtures.js'

const SIGNIFICANT_DROP = { pass_rate: { max_drop: 0, significance: 0.05 } }
const STATS_HEADER = '| Prompt | Metric | Base | Head | Δ | p | n | Threshold |'

/** `total` cases; the first `worse` pass on base and fail on head. */
function dropping(path: string, total: number, worse: number) {
  const cases: CaseSpec[] = manyCases(total, index =>
    index < worse ? { base: 'right', head: { output: 'wrong', pass: false } } : { base: 'same', head: 'same' }
  )
  return promptResults(path, cases, { thresholds: SIGNIFICANT_DROP })
}

function tableRow(comment: string, start: string): string {
  const row = comment.split('\n').find(line => line.startsWith(start))
  if (row === undefined) throw new Error(`no row starting ${start}`)
  return row
}

describe('the summary table with significance', () => {
  it('adds p and n columns, the head interval and the p-value in the broken threshold', () => {
    // 5 of 10 cases pass → fail: one-sided p = 2^-5 = 0.03125; head 5/10 → Wilson [0.2366, 0.7634]
    const comment = renderComment(reportInput([dropping('a.md', 10, 5)]))
    expect(comment).toContain(STATS_HEADER)
    expect(tableRow(comment, '| `a.md` | `pass_rate`')).toBe(
      '| `a.md` | `pass_rate` | 1.00 | 0.50 (0.24–0.76) | −0.50 | 0.031 | 10 | ' +
        '❌ dropped 0.50 (allowed 0.00), p = 0.031 &lt; 0.05 |'
    )
    expect(comment).toContain('<sub>p: one-sided exact test that head is worse')
  })

  it('shows a drop that is not significant as met, with its p-value', () => {
    // 2 of 10: p = 2^-2
    const comment = renderComment(reportInput([dropping('a.md', 10, 2)]))
    expect(comment).not.toContain('[!CAUTION]')
    expect(tableRow(comment, '| `a.md` | `pass_rate`')).toContain(
      '| 0.25 | 10 | ✅ dropped 0.20 (allowed 0.00), p = 0.25 ≥ 0.05: not significant |'
    )
  })

  it('warns when there are too few cases to detect the drop', () => {
    const comment = renderComment(reportInput([dropping('a.md', 4, 4)]))
    expect(tableRow(comment, '| `a.md` | `pass_rate`')).toContain(
      '· ⚠️ too few cases (4) to detect any drop at p &lt; 0.05; at least 5 needed |'
    )
  })

  it('leaves p and n empty on rows without statistics and on the failed-calls row', () => {
    const failing = promptResults(
      'b.md',
      [
        { base: 'ok', head: { error: 'HTTP 500' } },
        { base: 'ok', head: 'ok' }
      ],
      { thresholds: SIGNIFICANT_DROP }
    )
    const comment = renderComment(reportInput([dropping('a.md', 10, 5), failing]))
    expect(comment).toContain('| | `icontains` | 1.00 | 0.50 | −0.50 | | | — |')
    expect(comment).toContain('| `b.md` | failed calls | 0 | 1 | | | | ⚠️ errors |')
  })

  it('keeps the compact table when neither repeats nor significance are configured', () => {
    const comment = renderComment(reportInput([typicalPrompt()]))
    expect(comment).toContain('| Prompt | Metric | Base | Head | Δ | Threshold |')
    expect(comment).not.toContain('| p |')
    expect(comment).not.toContain('Wilson')
    expect(tableRow(comment, '| `prompts/support/triage.md`')).toBe(
      '| `prompts/support/triage.md` | `pass_rate` | 0.80 | 0.80 | 0.00 | ✅ max_drop 0.00 |'
    )
  })

  it('names the significance level in a met threshold', () => {
    // No case changed: p = 1; head 10/10 → Wilson low 10 / (10 + z²) = 0.7225
    const comment = renderComment(reportInput([dropping('a.md', 10, 0)]))
    expect(tableRow(comment, '| `a.md` | `pass_rate`')).toContain(
      '| 1.00 (0.72–1.00) | 0.00 | 1.00 | 10 | ✅ max_drop 0.00, significance 0.05 |'
    )
  })
})

describe('the report with repeats', () => {
  const repeated = () =>
    repeatedPromptResults('r.md', [
      { id: 'flaky', base: runs(3, 3), head: runs(3, 1) },
      { id: 'steady', base: runs(3, 3), head: runs(3, 3) }
    ])

  it('shows n as cases × runs, even without significance', () => {
    // flaky: 3/3 → 1/3 is worse; steady ties: p = P(X ≥ 1), X ~ Bin(1, 1/2) = 0.5
    const comment = renderComment(reportInput([repeated()]))
    expect(comment).toContain(STATS_HEADER)
    expect(tableRow(comment, '| `r.md` | `pass_rate`')).toContain(
      '| 0.50 | 2 × 3 | ❌ dropped 0.33 (allowed 0.00) |'
    )
  })

  it('says how many runs passed on each side and which run the diff shows', () => {
    const comment = renderComment(reportInput([repeated()]))
    expect(comment).toContain('**❌ Regressed** · case `flaky`')
    expect(comment).toContain(
      '- **runs:** base 3/3 pass → head 1/3 pass (output of base run 1 and head run 2 shown)'
    )
    expect(comment).toContain('- `icontains`: ✅ 3/3 pass, 1.00 → 🔸 1/3 pass, 0.33')
    expect(comment).toContain('```diff\n- answer [-0-]\n+ answer {+1+}\n```')
  })

  it('counts passing runs of a new case', () => {
    const added = repeatedPromptResults('n.md', [{ id: 'fresh', head: runs(4, 3) }], { status: 'added' })
    expect(renderJobSummary(reportInput([added]))).toContain('**🆕 New** · passes 3/4 · case `fresh`')
  })
})

describe('the JSON report with statistics', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../../schema/report.schema.json', import.meta.url), 'utf8')
  ) as object
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema)
  const throughJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>

  it('carries the test, p, n, interval and power of a metric', () => {
    const report = buildJsonReport(reportInput([dropping('a.md', 4, 4)]))
    const [passRate] = report.prompts[0]!.metrics
    expect(passRate).toEqual({
      metric: 'pass_rate',
      base: 1,
      head: 0,
      delta: -1,
      threshold: { max_drop: 0, significance: 0.05 },
      status: 'met',
      reason: 'dropped 1.00 (allowed 0.00), p = 0.063 ≥ 0.05: not significant',
      test: 'mcnemar',
      pValue: 0.0625,
      samples: 4,
      discordant: { worse: 4, better: 0 },
      // 0 of 4: z² / (n + z²) = 3.8415 / 7.8415
      interval: { low: 0, high: expect.closeTo(0.4899, 4) },
      underpowered: true,
      underpoweredReason: 'too few cases (4) to detect any drop at p < 0.05; at least 5 needed'
    })
  })

  it('holds every run of a repeated case, each with its index', () => {
    const report = buildJsonReport(
      reportInput([repeatedPromptResults('r.md', [{ id: 'flaky', base: runs(2, 2), head: runs(2, 1) }])])
    )
    const [prompt] = report.prompts
    expect(prompt!.repeats).toBe(2)
    const [flaky] = prompt!.cases
    expect(flaky!.head).toMatchObject({ repeat: 1, output: 'answer 1', pass: false })
    expect(flaky!.samples!.head).toMatchObject({ runs: 2, passed: 1, passRate: 0.5, score: 0.5 })
    expect(flaky!.samples!.head!.results.map(result => [result.repeat, result.output])).toEqual([
      [0, 'answer 0'],
      [1, 'answer 1']
    ])
  })

  it.each([
    ['significance', () => reportInput([dropping('a.md', 10, 5), dropping('b.md', 4, 4)])],
    [
      'repeats',
      () =>
        reportInput([
          repeatedPromptResults('r.md', [
            { id: 'x', base: runs(3, 3), head: runs(3, 1) },
            { id: 'y', base: runs(3, 0), head: [{ error: 'timeout' }, 'ok', 'ok'] }
          ])
        ])
    ],
    [
      'repeats on an added prompt',
      () => reportInput([repeatedPromptResults('n.md', [{ head: runs(2, 1) }], { status: 'added' })])
    ]
  ])('validates against schema/report.schema.json with %s', (_, input) => {
    const report = throughJson(buildJsonReport(input()))
    expect(validate(report)).toBe(true)
    expect(validate.errors ?? []).toEqual([])
  })

  it('is rejected by the schema with a p-value above 1 or a run without its fields', () => {
    const report = throughJson(buildJsonReport(reportInput([dropping('a.md', 10, 5)]))) as {
      prompts: { metrics: { pValue?: number }[] }[]
    }
    report.prompts[0]!.metrics[0]!.pValue = 1.5
    expect(validate(report)).toBe(false)
    const repeated = throughJson(
      buildJsonReport(reportInput([repeatedPromptResults('r.md', [{ base: runs(2, 2), head: runs(2, 1) }])]))
    ) as { prompts: { cases: { samples: { head: { passed?: number } } }[] }[] }
    delete repeated.prompts[0]!.cases[0]!.samples.head.passed
    expect(validate(repeated)).toBe(false)
  })
})
