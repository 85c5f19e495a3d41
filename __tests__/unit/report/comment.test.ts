import { describe, expect, it } from '@jest/globals'
import { COMMENT_MARKER } from '../../../src/report/marker.js'
import { renderComment, renderJobSummary } from '../../../src/report/comment.js'
import { formatCost } from '../../../src/report/format.js'
import { renderProgress } from '../../../src/report/progress.js'
import { promptResults, reportInput, typicalPrompt } from './fixtures.js'
import { detailsBalanced, renderHtml } from './html.js'

const regressing = () =>
  promptResults('prompts/summarize.md', [
    {
      id: 'fox',
      description: 'Keeps the animal',
      vars: { text: 'The quick brown fox', lang: 'en' },
      expected: 'brown',
      base: 'The quick brown fox jumps.',
      head: {
        output: 'The quick red fox jumps.',
        pass: false,
        assertions: [
          {
            metric: 'icontains',
            type: 'icontains',
            pass: false,
            score: 0,
            weight: 1,
            reason: 'expected "brown"'
          }
        ]
      }
    },
    { id: 'same', base: 'ok', head: 'ok' }
  ])

/** Position of each needle in the text, failing the test when one is missing. */
function positions(text: string, needles: string[]): number[] {
  return needles.map(needle => {
    const position = text.indexOf(needle)
    if (position < 0) throw new Error(`missing: ${needle}`)
    return position
  })
}

describe('formatCost', () => {
  it.each([
    [0, '$0.00'],
    [1.234, '$1.23'],
    [0.0042, '$0.0042'],
    [0.000041, '$0.000041'],
    [3e-9, '$0.00000000']
  ])('formats %p as %s', (usd, text) => {
    expect(formatCost(usd)).toBe(text)
  })
})

describe('renderComment', () => {
  it('starts with the marker and a CAUTION banner when a prompt regressed', () => {
    const comment = renderComment(reportInput([regressing(), typicalPrompt()]))
    const lines = comment.split('\n')
    expect(lines[0]).toBe(COMMENT_MARKER)
    expect(lines[2]).toBe('> [!CAUTION]')
    expect(lines[3]).toBe(
      '> **promptgate: regression.** 1 of 2 prompts broke a threshold; 2 cases regressed.'
    )
  })

  it('puts one summary table before the details, with the broken threshold in words', () => {
    const comment = renderComment(reportInput([regressing()]))
    expect(comment).toContain('| Prompt | Metric | Base | Head | Δ | Threshold |')
    expect(comment).toContain(
      '| `prompts/summarize.md` | `pass_rate` | 1.00 | 0.50 | −0.50 | ❌ dropped 0.50 (allowed 0.00) |'
    )
    expect(comment.match(/\| Prompt \|/g)).toHaveLength(1)
    const [table, details] = positions(comment, ['| Prompt |', '<details'])
    expect(table).toBeLessThan(details!)
  })

  it('lists regressed, then improved, then changed rows, and counts the unchanged ones', () => {
    const comment = renderComment(reportInput([typicalPrompt()]))
    const order = positions(comment, ['**❌ Regressed**', '**✅ Improved**', '**✏️ Changed**'])
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(comment).toContain('*2 unchanged cases not listed.*')
    expect(comment).not.toContain('`same-1`')
  })

  it('shows the inputs, the expected value, the assertion that moved and a word diff', () => {
    const comment = renderComment(reportInput([regressing()]))
    expect(comment).toContain('**❌ Regressed** · case `fox` · Keeps the animal')
    expect(comment).toContain('- **vars:** `text` = `The quick brown fox`, `lang` = `en`')
    expect(comment).toContain('- **expected:** `brown`')
    expect(comment).toContain('- `icontains`: ✅ 1.00 → ❌ 0.00 — expected "brown"')
    expect(comment).toContain(
      '```diff\n- The quick [-brown-] fox jumps.\n+ The quick {+red+} fox jumps.\n```'
    )
  })

  it('shows an `expected` var once, on the expected line, unless it differs from the expected value', () => {
    const row = (vars: Record<string, unknown>) =>
      renderComment(
        reportInput([
          promptResults('a.prompt.yml', [
            { vars, expected: 'positive', base: 'positive', head: { output: 'negative', pass: false } }
          ])
        ])
      )
    const same = row({ review: 'I love it', expected: 'positive' })
    expect(same).toContain('- **vars:** `review` = `I love it`\n- **expected:** `positive`')
    expect(row({ expected: 'positive' })).not.toContain('**vars:**')
    expect(row({ review: 'x', expected: 'other' })).toContain('`review` = `x`, `expected` = `other`')
  })

  it('diffs Windows line ends without breaking the -/+ prefixes', () => {
    const crlf = promptResults('a.md', [{ base: 'one\r\ntwo\r\n', head: 'one\r\nthree\r\n' }])
    expect(renderComment(reportInput([crlf]))).toContain('```diff\n  one\n- two\n+ three\n```')
  })

  it('opens the details of a regressed prompt and closes the others', () => {
    const comment = renderComment(reportInput([regressing(), typicalPrompt()]))
    expect(comment).toContain(
      '<details open>\n<summary>❌ <code>prompts/summarize.md</code> — 1 regressed · 1 unchanged</summary>'
    )
    expect(comment).toMatch(/<details>\n<summary>🔸 <code>prompts\/support\/triage\.md<\/code>/)
    expect(detailsBalanced(renderHtml(comment))).toBe(true)
  })

  it('says why each prompt was evaluated', () => {
    const comment = renderComment(
      reportInput([
        typicalPrompt('prompts/a.md', { reason: 'dataset evals/a.jsonl changed', suite: 'triage' })
      ])
    )
    expect(comment).toContain('- `prompts/a.md` (modified, suite `triage`): dataset evals/a.jsonl changed')
  })

  it('uses a TIP banner for a pass with improvements and plain text for a quiet pass', () => {
    const improving = promptResults('a.md', [{ base: { output: 'x', pass: false }, head: 'y' }])
    expect(renderComment(reportInput([improving]))).toContain(
      '> [!TIP]\n> **promptgate: no regressions** in 1 prompt; 1 case improved.'
    )
    const quiet = renderComment(reportInput([promptResults('a.md', [{ base: 'x', head: 'x' }])]))
    expect(quiet).toContain('\n✅ **promptgate: no regressions** in 1 prompt.')
    expect(quiet).not.toContain('[!')
    expect(quiet).not.toContain('<details')
  })

  it('does not claim "no regressions" on a pass where some cases regressed within the thresholds', () => {
    const mixed = promptResults(
      'a.md',
      [
        { base: { output: 'x', pass: false }, head: 'y' },
        { base: 'x', head: { output: 'z', pass: false } }
      ],
      { thresholds: {} }
    )
    const comment = renderComment(reportInput([mixed]))
    expect(comment).toContain(
      '> [!TIP]\n> **promptgate: pass.** No threshold broke in 1 prompt; 1 case improved, 1 regressed.'
    )
    const onlyWorse = promptResults('a.md', [{ base: 'x', head: { output: 'z', pass: false } }], {
      thresholds: {}
    })
    expect(renderComment(reportInput([onlyWorse]))).toContain(
      '\n✅ **promptgate: pass.** No threshold broke in 1 prompt; 1 case regressed.'
    )
  })

  it('says a regression was accepted and by which label', () => {
    const comment = renderComment(
      reportInput([regressing()], { verdict: 'overridden', overrideLabel: 'promptgate:accept' })
    )
    expect(comment).toContain(
      '> [!NOTE]\n> **promptgate: regression accepted** by the `promptgate:accept` label.'
    )
    expect(comment).not.toContain('[!CAUTION]')
  })

  it('reports nothing to evaluate when only removed prompts changed', () => {
    const comment = renderComment(reportInput([promptResults('prompts/old.md', [], { status: 'removed' })]))
    expect(comment).toContain('⏭️ **promptgate: nothing to evaluate.** Only removed prompts changed.')
    expect(comment).toContain('**Removed prompts** (not evaluated): `prompts/old.md`.')
    expect(comment).not.toContain('| Prompt |')
  })

  it('says when no prompt changed at all', () => {
    const comment = renderComment(reportInput([]))
    expect(comment).toContain(
      '⏭️ **promptgate: nothing to evaluate.** No prompt changed in this pull request.'
    )
    expect(comment).not.toContain('model call')
  })

  it('shows an error that stopped the run before any call', () => {
    const comment = renderComment(
      reportInput([], { verdict: 'error', error: '.github/promptgate.yml:3: unknown key "modle"' })
    )
    expect(comment).toContain('> [!IMPORTANT]')
    expect(comment).toContain('> .github/promptgate.yml:3: unknown key "modle"')
    expect(comment).not.toContain('| Prompt |')
  })

  it('lists removed prompts next to evaluated ones', () => {
    const comment = renderComment(
      reportInput([regressing(), promptResults('prompts/old.md', [], { status: 'removed' })])
    )
    expect(comment).toContain('**Removed prompts** (not evaluated): `prompts/old.md`.')
    expect(comment).not.toContain('| `prompts/old.md`')
  })

  it('raises an IMPORTANT banner on errors and shows each failed call', () => {
    const failing = promptResults('a.md', [
      { id: 'c1', base: 'fine', head: { error: 'HTTP 401: Bad credentials' } },
      { id: 'c2', base: 'ok', head: 'ok' }
    ])
    const comment = renderComment(
      reportInput([failing], { error: 'Model calls failed; see the errors below.' })
    )
    expect(comment).toContain(
      '> [!IMPORTANT]\n> **promptgate could not finish the evaluation**, so the check fails.'
    )
    expect(comment).toContain('> Model calls failed; see the errors below.')
    expect(comment).toContain('> 1 model call failed (base 0, head 1)')
    expect(comment).toContain('**⚠️ Error** · case `c1`')
    expect(comment).toContain('- **head call failed:** HTTP 401: Bad credentials')
    expect(comment).toContain('| `a.md` | failed calls | 0 | 1 | | ⚠️ errors |')
  })

  it('shows an added prompt’s outputs with no baseline', () => {
    const added = promptResults(
      'prompts/new.md',
      [
        { id: 'n1', head: { output: 'wrong answer', pass: false } },
        { id: 'n2', head: 'right answer' }
      ],
      { status: 'added', thresholds: { pass_rate: { min: 0.4, max_drop: 0 } } }
    )
    const comment = renderComment(reportInput([added]))
    expect(comment).toContain(
      '| `prompts/new.md` | `pass_rate` | — | 0.50 | — | 🆕 no baseline; min 0.40, max_drop 0.00 met |'
    )
    expect(comment).toContain('**🆕 New** · fails · case `n1`')
    expect(comment).toContain('Head output:\n\n```text\nwrong answer\n```')
    expect(comment.indexOf('case `n1`')).toBeLessThan(comment.indexOf('case `n2`'))
  })

  it('names the old path of a renamed prompt', () => {
    const renamed = promptResults('prompts/b.md', [{ base: 'x', head: 'y' }], {
      status: 'renamed',
      previousPath: 'prompts/a.md'
    })
    expect(renderComment(reportInput([renamed]))).toContain('| `prompts/b.md` (was `prompts/a.md`) |')
  })

  it('ends with cost, tokens, duration and the run link', () => {
    const costly = promptResults('a.md', [
      { base: { output: 'x', tokens: 1200, cost: 0.0042 }, head: { output: 'y', tokens: 1500, cost: 0.0051 } }
    ])
    const comment = renderComment(reportInput([costly]))
    expect(comment.trimEnd().split('\n').at(-1)).toBe(
      '<sub>base `1234567` → head `abcdef1` · 2 model calls in 12.3 s · tokens: base 1,200, head 1,500 · ' +
        'cost: base $0.0042, head $0.0051 · [workflow run](https://github.com/acme/app/actions/runs/42)</sub>'
    )
  })

  it('links only a plain http(s) run URL', () => {
    const comment = renderComment(reportInput([regressing()], { runUrl: 'javascript:alert(1)' }))
    expect(comment).not.toContain('javascript')
  })
})

describe('renderJobSummary', () => {
  it('holds the same report without the marker, with longer values than the comment', () => {
    const long = 'word '.repeat(2_000)
    const input = reportInput([
      promptResults('a.md', [{ base: `Start ${long}`, head: { output: `Begin ${long}`, pass: false } }])
    ])
    const summary = renderJobSummary(input)
    const comment = renderComment(input)
    expect(summary).not.toContain(COMMENT_MARKER)
    expect(summary).toContain('> [!CAUTION]')
    expect(summary.length).toBeGreaterThan(comment.length + 3_000)
  })
})

describe('renderProgress', () => {
  it('says a run is in progress under the marker', () => {
    expect(
      renderProgress({
        prompts: 3,
        calls: 120,
        headSha: 'abcdef1234567890',
        runUrl: 'https://github.com/a/b/actions/runs/1'
      })
    ).toBe(
      `${COMMENT_MARKER}\n\n⏳ Evaluating 3 prompts (120 model calls) at \`abcdef1\`… [follow the run](https://github.com/a/b/actions/runs/1).\n`
    )
  })

  it('reads well for one prompt without a SHA or link', () => {
    expect(renderProgress({ prompts: 1, calls: 1 })).toBe(
      `${COMMENT_MARKER}\n\n⏳ Evaluating 1 prompt (1 model call)…\n`
    )
  })
})

describe('the registered base version', () => {
  it("names the version and the channels serving it on the prompt's line, once", () => {
    const input = reportInput([regressing(), typicalPrompt()], {
      baseVersions: { 'prompts/summarize.md': { version: 3, channels: ['stable', 'latest'] } }
    })
    const comment = renderComment(input)
    expect(comment).toContain(
      '- `prompts/summarize.md` (modified, suite `default`, base: v3, stable, latest): prompt changed'
    )
    expect(comment.match(/base: v\d/g)).toHaveLength(1)
    expect(detailsBalanced(comment)).toBe(true)
    expect(renderComment(reportInput([regressing()]))).not.toContain('base: v')
  })

  it('escapes a channel name, so a hostile registry cannot inject HTML', () => {
    const input = reportInput([regressing()], {
      baseVersions: { 'prompts/summarize.md': { version: 1, channels: ['<img src=x>'] } }
    })
    expect(renderComment(input)).not.toContain('<img')
  })
})
