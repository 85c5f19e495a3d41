import { describe, expect, it } from '@jest/globals'
import { renderComment, renderJobSummary } from '../../../src/report/comment.js'
import type { ReportInput } from '../../../src/report/types.js'
import { assertion, promptResults, reportInput } from './fixtures.js'
import { detailsBalanced, mentions, renderHtml, tagNames, textOutsideCode } from './html.js'

const HOSTILE = [
  '</details></summary>',
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '```',
  '~~~',
  '````diff',
  'tick ` <b>@octocat</b> ` tock',
  '@octocat',
  'cc @github/security',
  'mail me@evil.example',
  '&#64;octocat',
  '[link](javascript:alert(1))',
  '![img](http://evil.example/pixel.png)',
  '<https://evil.example>',
  'https://evil.example/phish www.evil.example',
  'fixes #1',
  'a | b | c',
  'back\\| slash',
  '<!-- hide the rest',
  '$$\\unicode{x1F4A9}$$',
  '**bold** _em_ ~~strike~~',
  '> [!CAUTION]',
  '# heading',
  '---'
]
const hostile = HOSTILE.join('\n')
const hostileLine = HOSTILE.join(' ')

const RUN_URL = 'https://github.com/acme/app/actions/runs/42'

function hostileInput(verdict?: ReportInput['context']['verdict']): ReportInput {
  const prompt = promptResults(
    `prompts/${hostileLine}.md`,
    [
      {
        id: `case ${hostileLine}`,
        description: hostile,
        vars: { [hostileLine]: hostile, nested: { html: '<img src=x>', who: '@octocat' } },
        expected: hostile,
        base: `fine\n${hostile}`,
        head: {
          output: `${hostile}\nchanged @octocat`,
          pass: false,
          assertions: [
            assertion(`metric ${hostileLine}`, false, 0, { reason: hostile }),
            assertion('m\\|x|y', true)
          ]
        }
      },
      { id: 'err', base: hostile, head: { error: hostile } },
      { id: 'new-ish', base: 'a', head: { output: hostile, pass: true } }
    ],
    {
      status: 'renamed',
      previousPath: `old/${hostileLine}`,
      suite: hostileLine,
      reason: hostile,
      thresholds: { pass_rate: { max_drop: 0 } }
    }
  )
  const added = promptResults(
    `new/back\\| slash | pipe ${hostileLine}`,
    [{ id: hostileLine, head: { output: hostile, pass: false } }],
    {
      status: 'added'
    }
  )
  const removed = promptResults(`gone ${hostileLine}`, [], { status: 'removed' })
  return reportInput([prompt, added, removed], {
    ...(verdict ? { verdict } : {}),
    error: hostile,
    overrideLabel: hostileLine,
    runUrl: RUN_URL
  })
}

const ALLOWED_TAGS = new Set([
  'details',
  'summary',
  'p',
  'code',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'blockquote',
  'strong',
  'em',
  'ul',
  'li',
  'a',
  'sub',
  'hr'
])

function checkSafe(markdown: string, sections: number): void {
  const html = renderHtml(markdown)
  const tags = tagNames(html)
  expect(tags.filter(tag => !ALLOWED_TAGS.has(tag))).toEqual([])
  // Only our own link survives: the run URL.
  const hrefs = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map(match => match[1])
  expect(hrefs).toEqual([RUN_URL])
  expect(html).not.toMatch(/<img|<script|javascript:[^<]*<\/a>/i)
  expect(detailsBalanced(html)).toBe(true)
  expect(tags.filter(tag => tag === 'details')).toHaveLength(sections * 2)
  // The only HTML comment is our marker, so nothing after it is hidden.
  expect(html.match(/<!--/g) ?? []).toHaveLength(markdown.startsWith('<!--') ? 1 : 0)
  expect(mentions(textOutsideCode(html))).toEqual([])
  // Every table row has exactly the header's six cells: no pipe or newline split a cell.
  for (const row of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
    expect((row.match(/<t[hd][ >]/g) ?? []).length).toBe(6)
  }
  // The foot is still rendered as the last paragraph: no fence or comment swallowed it.
  expect(html.trimEnd()).toMatch(/<sub>[^]*workflow run<\/a><\/sub><\/p>$/)
  // The hostile text is shown, not dropped.
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
}

describe('untrusted text in the report', () => {
  it.each(['regressed', 'error', 'overridden'] as const)(
    'cannot inject anything in a %s comment',
    verdict => {
      checkSafe(renderComment(hostileInput(verdict)), 2)
    }
  )

  it('cannot inject anything in the job summary', () => {
    checkSafe(renderJobSummary(hostileInput()), 2)
  })

  it('cannot inject anything when rows are cut to fit', () => {
    const markdown = renderComment(hostileInput('regressed'), { maxChars: 6_000 })
    expect(markdown.length).toBeLessThanOrEqual(6_000)
    const html = renderHtml(markdown)
    expect(detailsBalanced(html)).toBe(true)
    expect(mentions(textOutsideCode(html))).toEqual([])
    expect(html).not.toMatch(/<img|<script/i)
  })

  it('keeps a mention inside a code block as plain code', () => {
    const html = renderHtml(renderComment(hostileInput()))
    expect(html).toMatch(/<pre><code class="language-diff">[^]*@octocat[^]*<\/code><\/pre>/)
  })

  it('escapes the overriding label and the run error in the banner', () => {
    const markdown = renderComment(hostileInput('overridden'))
    const banner = markdown.split('\n\n')[1]!
    expect(banner.split('\n').every(line => line.startsWith('> '))).toBe(true)
  })
})
