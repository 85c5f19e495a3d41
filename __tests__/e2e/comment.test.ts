/**
 * The comment and the job summary when the model's outputs and the golden set are hostile: markup
 * that would close our <details>, inject HTML or links, ping people, break tables or fences, a 200 KB
 * output and 3,000 test rows. Whatever arrives, the comment must stay inside GitHub's limit and render
 * as the structure we built, with nothing active in it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { ActionRun } from '../helpers/run-action.js'
import { closeWorlds, startWorld, STICKY_MARKER, type World } from '../helpers/world.js'
import { detailsBalanced, mentions, renderHtml, tagNames, textOutsideCode } from '../unit/report/html.js'

const TOKEN = 'ghs_e2eHostileToken0123456789'
const PROMPT = 'prompts/hostile.prompt.yml'
const RUN_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/4242'
const ROWS = 3_000
const HUGE_ROW = 1
const HUGE_OUTPUT_CHARS = 200_000

const HOSTILE = [
  '</details></summary>',
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '```',
  '~~~',
  '````diff',
  '@octocat',
  'cc @github/security',
  '[x](javascript:alert(1))',
  '![pixel](http://evil.example/p.png)',
  '<https://evil.example>',
  'a | b | c',
  '<!-- hide the rest',
  '> [!CAUTION]',
  '# heading'
]
const HOSTILE_TEXT = HOSTILE.join('\n')

/** The golden set: every row's input is hostile, on one line or several. */
function row(index: number): Record<string, string> {
  const text = `${HOSTILE[index % HOSTILE.length]} row ${index}${index % 2 === 0 ? `\n${HOSTILE_TEXT}` : ''}`
  return { text, expected: 'ACCEPTED' }
}

function promptFile(instruction: string): string {
  // JSON is YAML: the safest way to put arbitrary text into a *.prompt.yml.
  return JSON.stringify(
    {
      name: 'Hostile',
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: instruction },
        { role: 'user', content: 'Row {{row}}: {{text}}' }
      ],
      testData: Array.from({ length: ROWS }, (_, index) => ({ row: String(index), ...row(index) })),
      evaluators: [{ name: 'accepted @octocat </details>', string: { contains: '{{expected}}' } }]
    },
    null,
    1
  )
}

const BASE = promptFile('Say ACCEPTED, then repeat the text.')
const HEAD = promptFile('Be creative.')

/**
 * Base: ACCEPTED and the input. Head: a third of the rows drop ACCEPTED (regressions), the rest echo
 * the input with hostile additions (changed), and one row answers 200 KB of hostile text.
 */
function model(request: { messages: { role: string; content: string }[] }): string {
  const system = request.messages.find(message => message.role === 'system')?.content ?? ''
  const user = request.messages.find(message => message.role === 'user')?.content ?? ''
  const index = Number(/^Row (\d+):/.exec(user)?.[1] ?? -1)
  if (system.startsWith('Say ACCEPTED')) return `ACCEPTED\n${user}`
  if (index === HUGE_ROW) {
    const line = `${HOSTILE.join(' ')} @octocat\n`
    return `REJECTED\n${line.repeat(Math.ceil(HUGE_OUTPUT_CHARS / line.length))}`
  }
  if (index % 3 === 1) return `REJECTED ${HOSTILE[index % HOSTILE.length]}\n${user}`
  return `ACCEPTED\n${user}\n${HOSTILE[(index + 5) % HOSTILE.length]} | @octocat`
}

let w: World
let run: ActionRun
let comment: string
let elapsedMs: number

beforeAll(async () => {
  w = await startWorld({ [PROMPT]: BASE }, { [PROMPT]: HEAD }, { token: TOKEN, respond: model })
  const started = Date.now()
  // 3000 cases x 2 sides: over the default max-calls of 2000, so this workflow raises it.
  run = await w.run({ inputs: { 'max-calls': '6000' } })
  elapsedMs = Date.now() - started
  comment = w.stickyComments()[0]?.body ?? ''
}, 60_000)

afterAll(closeWorlds)

/** Everything a rendered report must not contain, whatever the model said. */
function expectInert(markdown: string): void {
  const html = renderHtml(markdown)
  expect(detailsBalanced(html)).toBe(true)
  const tags = new Set(tagNames(html))
  for (const tag of ['img', 'script', 'iframe', 'style']) expect(tags.has(tag)).toBe(false)
  // The one link we write is to the workflow run.
  const hrefs = [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map(match => match[1])
  expect([...new Set(hrefs)]).toEqual([RUN_URL])
  // Inside code it is inert text; anywhere else, or in an attribute, it could become a link.
  const attributes = [...html.matchAll(/<[a-z][^>]*>/gi)].map(match => match[0]).join('\n')
  expect(attributes).not.toMatch(/javascript:|onerror/i)
  const prose = textOutsideCode(html)
  expect(prose).not.toMatch(/javascript:/i)
  expect(mentions(prose)).toEqual([])
  // Our structure survives: the hostile </details> and </summary> did not end a section early.
  expect(html.match(/<summary>/g)?.length).toBe(html.match(/<\/summary>/g)?.length)
}

describe('the comment on a pull request whose outputs and test data are hostile', () => {
  it('runs within the time budget and gates the regression', () => {
    expect(elapsedMs).toBeLessThan(20_000)
    expect(w.model.requests).toHaveLength(2 * ROWS)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.github.unhandled()).toEqual([])
  })

  it('posts one comment within GitHub limit, with the verdict first and regressed rows before the others', () => {
    expect(w.stickyComments()).toHaveLength(1)
    expect(comment.length).toBeGreaterThan(30_000)
    expect(comment.length).toBeLessThanOrEqual(65_536)
    expect(comment.split('\n').slice(0, 4).join('\n')).toMatch(/\[!CAUTION\][\s\S]*promptgate: regression/)
    const headings = [...comment.matchAll(/^\*\*(❌ Regressed|✏️ Changed|✅ Improved|🆕 New)\*\*/gmu)].map(
      match => match[1]
    )
    expect(headings.length).toBeGreaterThan(10)
    const firstOther = headings.findIndex(heading => heading !== '❌ Regressed')
    if (firstOther >= 0) expect(headings.slice(firstOther)).not.toContain('❌ Regressed')
    expect(comment).toMatch(
      /✂️ To fit the size limit of a GitHub comment, this report leaves out [\d,]+ regressed and 2,000 changed rows and cuts long values\. The full report is in the job summary of this run\.\n/
    )
  })

  it('renders to HTML with balanced sections, no images, scripts, foreign links or mentions', () => {
    expectInert(comment)
  })

  it('shows a cut of the 200 KB output, not the output', () => {
    expect(comment).toMatch(new RegExp(`case \`${HUGE_ROW + 1}\``))
    expect(comment).toMatch(/more diff lines? not shown/)
  })

  it('writes the job summary within 1 MiB, with more of the report, just as inert', () => {
    const bytes = Buffer.byteLength(run.summary, 'utf8')
    expect(bytes).toBeGreaterThan(Buffer.byteLength(comment, 'utf8'))
    expect(bytes).toBeLessThanOrEqual(1024 * 1024)
    expect(run.summary).not.toContain(STICKY_MARKER)
    const rows = (text: string) => text.match(/^\*\*❌ Regressed\*\*/gmu)?.length ?? 0
    expect(rows(run.summary)).toBeGreaterThan(rows(comment))
    expectInert(run.summary)
  })

  it('keeps every case and the whole 200 KB output in the JSON report', () => {
    const report = JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8')) as {
      prompts: { cases: { id: string; change: string; head?: { output: string } }[] }[]
    }
    const cases = report.prompts[0]!.cases
    expect(cases).toHaveLength(ROWS)
    expect(cases.filter(item => item.change === 'regressed')).toHaveLength(ROWS / 3)
    expect(cases[HUGE_ROW]!.head!.output.length).toBeGreaterThan(HUGE_OUTPUT_CHARS)
  })
})
