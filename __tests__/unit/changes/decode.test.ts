import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeUtf8 } from '../../../src/changes/decode.js'
import { createGitChangeSource } from '../../../src/changes/git.js'
import { errorMessage, UserError } from '../../../src/errors.js'

const latin1 = Buffer.concat([Buffer.from('Say hello.\nCaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')])

describe('decodeUtf8', () => {
  it('decodes UTF-8', () => {
    expect(decodeUtf8(new TextEncoder().encode('héllo ✓'), 'a.md')).toBe('héllo ✓')
  })

  it('refuses other bytes with the file and the line of the first bad byte', () => {
    expect(() => decodeUtf8(latin1, 'prompts/a.md')).toThrow(UserError)
    try {
      decodeUtf8(latin1, 'prompts/a.md')
    } catch (error) {
      expect(errorMessage(error)).toMatch(/^prompts\/a\.md:2: the file is not UTF-8 text/)
    }
  })
})

describe('the git change source', () => {
  it('refuses a prompt file that is not UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptgate-utf8-'))
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()
      git('init', '-q', '-b', 'main')
      writeFileSync(join(dir, 'a.md'), latin1)
      git('add', '.')
      git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'c')
      const source = await createGitChangeSource(dir, 'HEAD', 'HEAD')
      await expect(source.read(source.headRef, 'a.md')).rejects.toMatchObject({ file: 'a.md', line: 2 })
      await expect(source.read(source.headRef, 'missing.md')).resolves.toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
