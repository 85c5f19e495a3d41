import { afterEach, describe, expect, it } from '@jest/globals'
import { createApiChangeSource, decodeRawContent } from '../../../src/github/change-source.js'
import { createOctokit } from '../../../src/github/octokit.js'
import {
  startFakeGitHub,
  type FakeFile,
  type FakeGitHubOptions,
  type FakeGitHub
} from '../../helpers/fake-github.js'
import { pullRequest, sha } from './fixtures.js'

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

async function sourceFor(state: Partial<FakeGitHubOptions>) {
  github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: [],
    contents: { [sha.base]: {}, [sha.head]: {} },
    labels: [],
    base: { sha: sha.base },
    head: { sha: sha.head },
    ...state
  })
  const warnings: string[] = []
  const octokit = createOctokit('ghs_test', { baseUrl: github.url, retries: 0 })
  const source = createApiChangeSource(octokit, pullRequest(), {
    warn: message => void warnings.push(message)
  })
  return { source, warnings, github }
}

const manyFiles = (count: number): FakeFile[] =>
  Array.from({ length: count }, (_, i) => ({
    filename: `prompts/p${String(i).padStart(4, '0')}.md`,
    status: 'modified'
  }))

describe('listChangedFiles', () => {
  it('reads every page of a pull request with 250 files, 100 at a time', async () => {
    const { source, github } = await sourceFor({ files: manyFiles(250) })
    const files = await source.listChangedFiles()

    expect(files).toHaveLength(250)
    expect(files[249]).toEqual({ path: 'prompts/p0249.md', status: 'modified' })
    const pages = github.requests.filter(request => request.route?.endsWith('/files'))
    expect(pages.map(request => [request.query.per_page, request.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3']
    ])
    expect(source.listingTruncated).toBe(false)
    expect(github.unhandled()).toEqual([])
  })

  it("maps each of GitHub's statuses", async () => {
    const { source } = await sourceFor({
      files: [
        { filename: 'a.md', status: 'added' },
        { filename: 'm.md', status: 'modified' },
        { filename: 'new/name.md', status: 'renamed', previous_filename: 'old/name.md' },
        { filename: 'r.md', status: 'removed' },
        { filename: 'x.sh', status: 'changed' },
        { filename: 'copy.md', status: 'copied', previous_filename: 'm.md' },
        { filename: 'same.md', status: 'unchanged' }
      ]
    })
    expect(await source.listChangedFiles()).toEqual([
      { path: 'a.md', status: 'added' },
      { path: 'm.md', status: 'modified' },
      { path: 'new/name.md', status: 'renamed', previousPath: 'old/name.md' },
      { path: 'r.md', status: 'removed' },
      { path: 'x.sh', status: 'modified' },
      { path: 'copy.md', status: 'added' }
    ])
  })

  it("warns when the pull request has more files than GitHub's 3,000-file list", async () => {
    const { source, warnings, github } = await sourceFor({ files: manyFiles(3005) })
    const files = await source.listChangedFiles()

    expect(files).toHaveLength(3000)
    expect(source.listingTruncated).toBe(true)
    expect(warnings).toEqual([
      expect.stringMatching(/changes 3005 files.*first 3000.*other 5 were not evaluated/)
    ])
    expect(github.requests.filter(request => request.route?.endsWith('/files'))).toHaveLength(30)
  })

  it('does not warn about a pull request of exactly 3,000 files', async () => {
    const { source, warnings } = await sourceFor({ files: manyFiles(3000) })
    expect(await source.listChangedFiles()).toHaveLength(3000)
    expect(source.listingTruncated).toBe(false)
    expect(warnings).toEqual([])
  })
})

describe('read', () => {
  const contents: FakeGitHubOptions['contents'] = {
    [sha.base]: { 'prompts/triage.md': 'Classify the issue.\n' },
    [sha.head]: {
      'prompts/triage.md': 'Classify the issue. Answer with one word.\n',
      'prompts/dir/x.md': 'x'
    }
  }

  it('reads the raw text at both refs', async () => {
    const { source, github } = await sourceFor({ contents })
    expect(source.baseRef).toBe(sha.base)
    expect(source.headRef).toBe(sha.head)
    expect(await source.read(sha.base, 'prompts/triage.md')).toBe('Classify the issue.\n')
    expect(await source.read(sha.head, 'prompts/triage.md')).toBe(
      'Classify the issue. Answer with one word.\n'
    )

    const reads = github.requests.filter(request => request.route?.includes('/contents/'))
    expect(reads.map(request => [request.path, request.query.ref])).toEqual([
      ['/repos/Codertocat/Hello-World/contents/prompts/triage.md', sha.base],
      ['/repos/Codertocat/Hello-World/contents/prompts/triage.md', sha.head]
    ])
    expect(reads[0]?.headers.accept).toMatch(/application\/vnd\.github(\.v3)?\.raw/)
  })

  it('answers undefined for a file missing at that ref', async () => {
    const { source } = await sourceFor({ contents })
    expect(await source.read(sha.base, 'prompts/new.md')).toBeUndefined()
  })

  it('answers undefined for a directory', async () => {
    const { source } = await sourceFor({ contents })
    expect(await source.read(sha.head, 'prompts/dir')).toBeUndefined()
  })

  it('fails on a commit GitHub does not have, instead of calling every file missing', async () => {
    const { source } = await sourceFor({ contents })
    await expect(source.read('0'.repeat(40), 'prompts/triage.md')).rejects.toThrow(/no commit 0{40}/i)
  })

  it('reads each (ref, path) once', async () => {
    const { source, github } = await sourceFor({ contents })
    const [first, second] = await Promise.all([
      source.read(sha.head, 'prompts/triage.md'),
      source.read(sha.head, 'prompts/triage.md')
    ])
    await source.read(sha.head, 'prompts/triage.md')
    expect(second).toBe(first)
    expect(github.requests.filter(request => request.route?.includes('/contents/'))).toHaveLength(1)
  })

  it('reads again after a failure instead of keeping it', async () => {
    const { source, github } = await sourceFor({
      contents,
      faults: [{ path: '/repos/Codertocat/Hello-World/contents/prompts/triage.md', status: 500 }]
    })
    await expect(source.read(sha.head, 'prompts/triage.md')).rejects.toMatchObject({ status: 500 })
    expect(await source.read(sha.head, 'prompts/triage.md')).toContain('one word')
    expect(github.requests).toHaveLength(2)
  })

  it('decodes a file GitHub serves as binary', async () => {
    const text = 'Réponds en un mot. 🙂\n'
    const { source } = await sourceFor({
      contents: { [sha.head]: { 'prompt.md': new TextEncoder().encode(text) } }
    })
    expect(await source.read(sha.head, 'prompt.md')).toBe(text)
  })

  it('reads a file larger than the 1 MB the JSON media type serves', async () => {
    const big = `${'x'.repeat(2 * 1024 * 1024)}\n`
    const { source } = await sourceFor({ contents: { [sha.head]: { 'big.md': big } } })
    expect((await source.read(sha.head, 'big.md'))?.length).toBe(big.length)
  })
})

describe('decodeRawContent', () => {
  const bytes = new TextEncoder().encode('héllo')
  it.each([
    ['a string', 'héllo'],
    ['an ArrayBuffer', bytes.buffer],
    ['a Uint8Array', bytes],
    ['a Buffer', Buffer.from(bytes)]
  ])('decodes %s', (_kind, data) => {
    expect(decodeRawContent(data, 'prompts/a.md')).toBe('héllo')
  })
  it('refuses bytes that are not UTF-8, naming the file and the line of the first bad byte', () => {
    const latin1 = Uint8Array.from([...new TextEncoder().encode('line one\ncaf'), 0xe9, 0x0a])
    expect(() => decodeRawContent(latin1, 'prompts/a.md')).toThrow(
      expect.objectContaining({ name: 'UserError', file: 'prompts/a.md', line: 2 })
    )
  })
  it('answers undefined for JSON metadata', () => {
    expect(decodeRawContent([{ type: 'file' }], 'prompts/a.md')).toBeUndefined()
  })
})
