import { describe, expect, it } from '@jest/globals'
import { isUserError } from '../../../src/errors.js'
import { comparisonFromJsonReport, parseJsonReport } from '../../../src/report/from-json.js'
import { buildJsonReport } from '../../../src/report/json.js'
import { renderComment, renderJobSummary } from '../../../src/report/index.js'
import type { ReportInput } from '../../../src/report/types.js'
import { promptResults, repeatedPromptResults, reportInput, runs, typicalPrompt } from './fixtures.js'

/** The report as another job reads it: through the file's JSON text and the schema. */
function throughArtifact(input: ReportInput): ReportInput {
  const report = parseJsonReport(JSON.stringify(buildJsonReport(input)), 'promptgate-report.json')
  return { comparison: comparisonFromJsonReport(report), context: input.context }
}

const inputs: [string, () => ReportInput][] = [
  [
    'a regression with errors',
    () => reportInput([typicalPrompt()], { pullRequest: 2, headSha: 'c'.repeat(40) })
  ],
  [
    'an added and a removed prompt',
    () =>
      reportInput([
        promptResults('new.md', [{ head: 'x' }], { status: 'added' }),
        promptResults('gone.md', [], { status: 'removed' })
      ])
  ],
  [
    'repeated cases',
    () =>
      reportInput([repeatedPromptResults('prompts/r.md', [{ id: 'r1', base: runs(3, 3), head: runs(3, 1) }])])
  ],
  ['nothing', () => reportInput([])]
]

describe('comparisonFromJsonReport', () => {
  it.each(inputs)('gives back the report it was read from: %s', (_name, make) => {
    const input = make()
    expect(buildJsonReport(throughArtifact(input))).toEqual(
      JSON.parse(JSON.stringify(buildJsonReport(input)))
    )
  })

  it.each(inputs)('renders the same comment and summary as the run that wrote it: %s', (_name, make) => {
    const input = make()
    const read = throughArtifact(input)
    expect(renderComment(read)).toBe(renderComment(input))
    expect(renderJobSummary(read)).toBe(renderJobSummary(input))
  })
})

describe('parseJsonReport', () => {
  const valid = () =>
    JSON.parse(JSON.stringify(buildJsonReport(reportInput([typicalPrompt()])))) as Record<string, unknown>

  function refusal(text: string): string {
    try {
      parseJsonReport(text, 'artifact/promptgate-report.json')
    } catch (error) {
      expect(isUserError(error)).toBe(true)
      return (error as Error).message
    }
    throw new Error('the report was accepted')
  }

  it('accepts what buildJsonReport writes', () => {
    expect(parseJsonReport(JSON.stringify(valid()), 'r.json').schemaVersion).toBe(1)
  })

  it('refuses text that is not JSON, naming the file', () => {
    expect(refusal('{')).toMatch(/^artifact\/promptgate-report\.json is not JSON/)
  })

  it.each([
    [
      'an unknown field',
      (r: Record<string, unknown>) => ({ ...r, html: '<b>' }),
      /must NOT have additional properties \(html\)/
    ],
    [
      'another schema version',
      (r: Record<string, unknown>) => ({ ...r, schemaVersion: 2 }),
      /\/schemaVersion must be equal to constant/
    ],
    [
      'a verdict that does not exist',
      (r: Record<string, unknown>) => ({ ...r, gateVerdict: 'overridden' }),
      /\/gateVerdict must be equal to one of the allowed values/
    ],
    [
      'a score out of range',
      (r: Record<string, unknown>) => {
        const report = structuredClone(r) as { prompts: { cases: { head: { score: number } }[] }[] }
        report.prompts[0]!.cases[0]!.head.score = 7
        return report
      },
      /\/prompts\/0\/cases\/0\/head\/score must be <= 1/
    ],
    [
      'a pull request that is not a number',
      (r: Record<string, unknown>) => ({ ...r, pullRequest: 0 }),
      /\/pullRequest must be >= 1/
    ]
  ])('refuses %s', (_name, change, message) => {
    expect(refusal(JSON.stringify(change(valid())))).toMatch(message)
  })
})
