import { describe, expect, it } from '@jest/globals'
import { renderComment, renderJobSummary } from '../../../src/report/comment.js'
import { COMMENT_MARKER } from '../../../src/report/marker.js'
import { manyCases, promptResults, reportInput, type CaseSpec } from './fixtures.js'
import { detailsBalanced, renderHtml } from './html.js'

const paragraph = (seed: number, words = 400) =>
  Array.from({ length: words }, (_, i) => `w${(seed * 31 + i * 7) % 997}`).join(' ')

const regressedCase = (index: number): CaseSpec => ({
  id: `r${index}`,
  vars: { text: paragraph(index, 100) },
  base: paragraph(index),
  head: { output: paragraph(index + 1), pass: false }
})
const improvedCase = (index: number): CaseSpec => ({
  id: `i${index}`,
  base: { output: paragraph(index), pass: false },
  head: paragraph(index + 2)
})
const changedCase = (index: number): CaseSpec => ({
  id: `c${index}`,
  base: paragraph(index),
  head: paragraph(index + 3)
})

function expectWellFormed(markdown: string): void {
  const html = renderHtml(markdown)
  expect(detailsBalanced(html)).toBe(true)
  expect(html.trimEnd()).toMatch(/workflow run<\/a><\/sub><\/p>$/)
}

describe('the comment size budget', () => {
  it('stays under 65,536 characters with 3,000 regressed rows of long outputs', () => {
    const input = reportInput([promptResults('prompts/big.md', manyCases(3_000, regressedCase))])
    const started = Date.now()
    const comment = renderComment(input)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(comment.length).toBeLessThanOrEqual(65_536)
    expect(comment.startsWith(COMMENT_MARKER)).toBe(true)
    expect(comment).toContain('> [!CAUTION]')
    expect(comment).toContain('| `prompts/big.md` | `pass_rate` | 1.00 | 0.00 |')
    // The first rows are kept, the last dropped, and the reader is told where the rest is.
    expect(comment).toContain('case `r0`')
    expect(comment).not.toContain('case `r2999`')
    expect(comment).toMatch(
      /✂️ To fit the size limit of a GitHub comment, this report leaves out [\d,]+ regressed rows/
    )
    expect(comment).toContain('The full report is in the job summary of this run.')
    expect(comment).toMatch(/\*Left out for size: [\d,]+ regressed\.\*/)
    expectWellFormed(comment)
  })

  it('uses the hint it is given for where the full report is', () => {
    const input = reportInput([promptResults('a.md', manyCases(3_000, regressedCase))], {
      fullReportHint: 'See the [job summary](https://github.com/acme/app/actions/runs/42).'
    })
    expect(renderComment(input)).toContain(
      'See the [job summary](https://github.com/acme/app/actions/runs/42).'
    )
  })

  it('makes a sentence of a hint that only names the place', () => {
    const input = reportInput([promptResults('a.md', manyCases(3_000, regressedCase))], {
      fullReportHint: 'the job summary of this run'
    })
    expect(renderComment(input)).toMatch(
      /and cuts long values\. The full report is in the job summary of this run\.\n/
    )
  })

  it('shortens long values before dropping any row', () => {
    const input = reportInput([promptResults('a.md', manyCases(40, changedCase))])
    const comment = renderComment(input)
    expect(comment.length).toBeLessThanOrEqual(65_536)
    for (let index = 0; index < 40; index++) expect(comment).toContain(`case \`c${index}\``)
    expect(comment).toContain('this report cuts long values.')
    expect(comment).not.toContain('leaves out')
  })

  it('does not claim to cut values that were short anyway', () => {
    const cases = manyCases(3_000, index => ({
      id: `r${index}`,
      base: `Answer ${index}: approved.`,
      head: { output: `Answer ${index}: denied.`, pass: false }
    }))
    const comment = renderComment(reportInput([promptResults('a.md', cases)]))
    expect(comment.length).toBeLessThanOrEqual(65_536)
    expect(comment).toMatch(/this report leaves out [\d,]+ regressed rows\. The full report/)
    expect(comment).not.toContain('cuts long values')
  })

  it('drops changed rows, then improved rows, before any regressed row', () => {
    const cases = [
      ...manyCases(10, regressedCase),
      ...manyCases(300, improvedCase),
      ...manyCases(3_000, changedCase)
    ]
    const comment = renderComment(reportInput([promptResults('a.md', cases)]))
    expect(comment.length).toBeLessThanOrEqual(65_536)
    for (let index = 0; index < 10; index++) expect(comment).toContain(`case \`r${index}\``)
    expect(comment).not.toContain('**✏️ Changed**')
    expect(comment).toMatch(/leaves out [\d,]+ improved and 3,000 changed rows/)
    expectWellFormed(comment)
  })

  it('keeps improved rows when only changed rows must go', () => {
    const cases = [
      ...manyCases(5, regressedCase),
      ...manyCases(5, improvedCase),
      ...manyCases(3_000, changedCase)
    ]
    const comment = renderComment(reportInput([promptResults('a.md', cases)]))
    expect(comment).toContain('case `i4`')
    // The rest of the budget goes to as many changed rows as fit, first ones first.
    expect(comment).toContain('case `c0`')
    const left = Number(/leaves out ([\d,]+) changed rows/.exec(comment)?.[1]?.replace(/,/g, ''))
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThan(3_000)
    expect(comment.length).toBeLessThanOrEqual(65_536)
    expect(comment.length).toBeGreaterThan(60_000)
  })

  it('keeps errors ahead of regressions, across prompts', () => {
    const regressions = promptResults('a.md', manyCases(3_000, regressedCase))
    const errors = promptResults('b.md', [{ id: 'boom', base: 'x', head: { error: 'HTTP 500' } }])
    const comment = renderComment(reportInput([regressions, errors]))
    expect(comment).toContain('case `boom`')
    expect(comment.indexOf('case `boom`')).toBeLessThan(comment.indexOf('case `r0`'))
  })

  it('honours a smaller maxChars', () => {
    const input = reportInput([promptResults('a.md', manyCases(3_200, regressedCase))])
    for (const maxChars of [30_000, 8_000, 2_500]) {
      const comment = renderComment(input, { maxChars })
      expect(comment.length).toBeLessThanOrEqual(maxChars)
      expect(comment).toContain('> [!CAUTION]')
      expect(comment).toContain('| Prompt |')
    }
  })

  it('keeps the verdict and as much of the table as fits when the table alone is too big', () => {
    const prompts = Array.from({ length: 1_500 }, (_, index) =>
      promptResults(`prompts/p${index}.md`, [{ base: 'ok', head: { output: 'no', pass: false } }])
    )
    const comment = renderComment(reportInput(prompts))
    expect(comment.length).toBeLessThanOrEqual(65_536)
    expect(comment).toContain('> [!CAUTION]')
    expect(comment).toContain('| `prompts/p0.md` | `pass_rate` |')
    expect(comment).toMatch(/[\d,]+ more metric rows left out of this table/)
    expect(comment).toContain('only its summary is shown')
    expectWellFormed(comment)
  })

  it('never exceeds even an absurdly small budget', () => {
    const input = reportInput([promptResults('a.md', manyCases(10, regressedCase))])
    expect(renderComment(input, { maxChars: 80 }).length).toBeLessThanOrEqual(80)
  })
})

describe('the job summary budget', () => {
  it('stays under 1 MiB of UTF-8 with 3,000 rows of long multi-byte outputs', () => {
    const wide = (seed: number) => `${'é😀 '.repeat(800)}${paragraph(seed, 200)}`
    const cases = manyCases(3_000, index => ({
      id: `r${index}`,
      base: wide(index),
      head: { output: wide(index + 1), pass: false }
    }))
    const summary = renderJobSummary(reportInput([promptResults('a.md', cases)]))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(1024 * 1024)
    expect(summary.length).toBeGreaterThan(65_536)
    expect(summary).toContain('case `r0`')
    expect(summary).toContain('Every case is in the JSON report.')
    expectWellFormed(summary)
  })
})
