import { describe, expect, it } from '@jest/globals'
import {
  codeBlock,
  escapeHtml,
  escapeHtmlText,
  escapeMarkdown,
  escapeText,
  inlineCode,
  neutralizeAutolinks,
  neutralizeMentions,
  sanitize,
  shorten,
  singleLine
} from '../../../src/report/escape.js'

const ZWJ = '\u200D'

describe('sanitize', () => {
  it('normalises line ends and replaces control and bidi characters', () => {
    expect(sanitize('a\r\nb\rc')).toBe('a\nb\nc')
    expect(sanitize('x\u0000y\u202Ez\tw')).toBe('x\uFFFDy\uFFFDz\tw')
  })

  it('replaces zero-width characters, which could hide a mention or a reference from the escaping', () => {
    expect(sanitize('@\u200Badmin #\u200D12 GH\u2060-1 a\uFEFFb')).toBe(
      '@\uFFFDadmin #\uFFFD12 GH\uFFFD-1 a\uFFFDb'
    )
    expect(escapeText('@\u200Badmin')).not.toContain('\u200B')
  })
})

describe('shorten', () => {
  it('keeps short text and says how much it cut', () => {
    expect(shorten('abc', 5)).toBe('abc')
    expect(shorten('abcdefgh', 3)).toBe('abc… (5 more chars)')
  })

  it('never splits a surrogate pair', () => {
    expect(shorten('a😀b', 2)).toBe('a… (3 more chars)')
  })
})

describe('singleLine', () => {
  it('shows newlines as ↵', () => {
    expect(singleLine('a\n  b')).toBe('a ↵ b')
  })
})

describe('escapeHtml', () => {
  it('escapes &, < and >', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt;')
  })
})

describe('neutralizeMentions', () => {
  it('breaks user and team mentions with a zero-width joiner', () => {
    expect(neutralizeMentions('hi @octocat and @github/security')).toBe(
      `hi @${ZWJ}octocat and @${ZWJ}github/security`
    )
  })
  it('leaves a lone @ alone', () => {
    expect(neutralizeMentions('a @ b')).toBe('a @ b')
  })
})

describe('neutralizeAutolinks', () => {
  it('breaks URLs, www. and issue references', () => {
    expect(neutralizeAutolinks('see https://evil.example, www.evil.example and #12')).toBe(
      `see https${ZWJ}://evil.example, www${ZWJ}.evil.example and #${ZWJ}12`
    )
  })

  it("breaks GitHub's GH-123 references, in either case, but not other words with digits", () => {
    expect(neutralizeAutolinks('GH-123, gh-4 and AGH-5')).toBe(`GH-${ZWJ}123, gh-${ZWJ}4 and AGH-5`)
  })
})

describe('escapeMarkdown', () => {
  it('backslash-escapes what starts links, images, emphasis, code, tables and math', () => {
    expect(escapeMarkdown('![x](y) *a* _b_ `c` | ~d~ $e$ #f \\')).toBe(
      '\\!\\[x\\](y) \\*a\\* \\_b\\_ \\`c\\` \\| \\~d\\~ \\$e\\$ \\#f \\\\'
    )
  })
})

describe('escapeText', () => {
  it('combines every escape on one line', () => {
    expect(escapeText('<b>@bob</b>\n[x](javascript:1)')).toBe(
      `&lt;b&gt;@${ZWJ}bob&lt;/b&gt; ↵ \\[x\\](javascript${ZWJ}:1)`
    )
  })
  it('shortens before escaping so an entity is never cut', () => {
    expect(escapeText('<<<<', 2)).toBe('&lt;&lt;… (2 more chars)')
  })
})

describe('escapeHtmlText', () => {
  it('escapes HTML and mentions but leaves markdown characters', () => {
    expect(escapeHtmlText('</summary>*@me*')).toBe(`&lt;/summary&gt;*@${ZWJ}me*`)
  })
})

describe('inlineCode', () => {
  it('wraps in a backtick run longer than any inside', () => {
    expect(inlineCode('a')).toBe('`a`')
    expect(inlineCode('a ``` b')).toBe('````a ``` b````')
  })
  it('pads content that starts or ends with a backtick', () => {
    expect(inlineCode('`x')).toBe('`` `x ``')
  })
  it('keeps one line', () => {
    expect(inlineCode('a\nb')).toBe('`a ↵ b`')
  })
  it('escapes pipes in a table cell, doubling a backslash before one', () => {
    expect(inlineCode('a|b', { inTable: true })).toBe('`a\\|b`')
    expect(inlineCode('a\\|b', { inTable: true })).toBe('`a\\\\\\|b`')
    expect(inlineCode('a|b')).toBe('`a|b`')
  })
  it('names empty values instead of writing an empty span', () => {
    expect(inlineCode('')).toBe('*(empty)*')
    expect(inlineCode('  ')).toBe('*(whitespace)*')
  })
})

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(codeBlock('a\n```\nb', 'diff')).toBe('````diff\na\n```\nb\n````')
    expect(codeBlock('plain')).toBe('```\nplain\n```')
  })
})
