import { describe, expect, it } from '@jest/globals'
import {
  mergeNearbyChanges,
  renderOutput,
  renderOutputDiff,
  type DiffLimits
} from '../../../src/report/diff.js'

const roomy: DiffLimits = { maxChars: 10_000, maxLines: 100, maxLineChars: 1_000, context: 1 }

describe('renderOutputDiff', () => {
  it('is empty for equal outputs', () => {
    expect(renderOutputDiff('same', 'same', roomy)).toBe('')
  })

  it('pairs changed lines and marks the changed words', () => {
    expect(renderOutputDiff('The brown fox.', 'The red fox.', roomy)).toBe(
      '- The [-brown-] fox.\n+ The {+red+} fox.'
    )
  })

  it('shows a wholly replaced line without markers', () => {
    expect(renderOutputDiff('alpha', 'omega', roomy)).toBe('- alpha\n+ omega')
  })

  it('shows added and removed lines with context', () => {
    expect(renderOutputDiff('a\nb\nc', 'a\nb\nx\nc', roomy)).toBe('@@ 1 unchanged line @@\n  b\n+ x\n  c')
  })

  it('collapses unchanged lines far from a change', () => {
    const base = ['one', 'two', 'three', 'four', 'five', 'six'].join('\n')
    const head = base.replace('six', 'SIX')
    expect(renderOutputDiff(base, head, roomy)).toBe('@@ 4 unchanged lines @@\n  five\n- six\n+ SIX')
  })

  it('merges edits separated only by spaces', () => {
    expect(renderOutputDiff('asks for their money back.', 'asks about an invoice.', roomy)).toBe(
      '- asks [-for their money back-].\n+ asks {+about an invoice+}.'
    )
  })

  it('stops at the line limit and says how much is left', () => {
    const base = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')
    const head = Array.from({ length: 50 }, (_, i) => `row ${i}`).join('\n')
    const text = renderOutputDiff(base, head, { ...roomy, maxLines: 5 })
    expect(text.split('\n')).toHaveLength(6)
    expect(text).toMatch(/@@ \d+ more diff lines not shown @@$/)
  })

  it('keeps a late change in view when it cuts a long line', () => {
    const base = `${'word '.repeat(400)}end`
    const head = `${'word '.repeat(400)}finish`
    const text = renderOutputDiff(base, head, { ...roomy, maxLineChars: 100 })
    expect(text).toContain('[-end-]')
    expect(text).toContain('{+finish+}')
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(104)
  })

  it('stays within its limits on huge unrelated outputs', () => {
    const base = Array.from({ length: 5_000 }, (_, i) => `a${i} b${i * 7}`).join(' ')
    const head = Array.from({ length: 5_000 }, (_, i) => `c${i * 3} d${i}`).join(' ')
    const started = Date.now()
    const text = renderOutputDiff(base, head, { maxChars: 500, maxLines: 10, maxLineChars: 200, context: 1 })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(text.length).toBeLessThan(800)
  })
})

describe('mergeNearbyChanges', () => {
  it('leaves edits separated by words apart', () => {
    const changes = [
      { value: 'a', added: false, removed: true },
      { value: ' keep ', added: false, removed: false },
      { value: 'b', added: true, removed: false }
    ]
    expect(mergeNearbyChanges(changes)).toEqual(changes)
  })
})

describe('renderOutput', () => {
  it('cuts by lines and characters', () => {
    expect(renderOutput('a\nb\nc', { ...roomy, maxLines: 2 })).toBe('a\nb\n… 1 more line not shown')
  })
})
