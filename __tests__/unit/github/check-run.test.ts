import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import type { Verdict } from '../../../src/compare/types.js'
import {
  buildAnnotations,
  capMarkdown,
  checkRunTitle,
  CHECK_SUMMARY_MAX_CHARS,
  findChangedLines,
  firstChangedLine,
  publishCheckRun,
  type Annotation
} from '../../../src/github/check-run.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../helpers/fake-github.js'
import { detailsBalanced, renderHtml } from '../report/html.js'
import { assertion, promptResults, reportInput, typicalPrompt } from '../report/fixtures.js'
import { GitHubDescription } from './openapi.js'
import { pullRequest, sha } from './fixtures.js'

const TOKEN = 'ghs_checks'
const CREATE = 'POST /repos/{owner}/{repo}/check-runs'
const UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'

let github: FakeGitHub | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

async function fake(options: Partial<FakeGitHubOptions> = {}): Promise<FakeGitHub> {
  github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    files: [{ filename: 'prompts/a.prompt.yml', status: 'modified' }],
    contents: { [sha.base]: { 'prompts/a.prompt.yml': 'a' }, [sha.head]: { 'prompts/a.prompt.yml': 'b' } },
    labels: [],
    base: { ref: 'main', sha: sha.base },
    head: { ref: 'changes', sha: sha.head },
    token: TOKEN,
    ...options
  })
  return github
}

function client(fakeGitHub: FakeGitHub) {
  return createOctokit(TOKEN, { baseUrl: fakeGitHub.url, retries: 0, throttle: false })
}

function annotations(count: number): Annotation[] {
  return Array.from({ length: count }, (_, index) => ({
    path: `prompts/p${index}.prompt.yml`,
    start_line: 1,
    end_line: 1,
    annotation_level: 'failure',
    message: `annotation ${index}`
  }))
}

const base = { name: 'promptgate', summaryMarkdown: 'summary', annotations: [] as Annotation[] }

describe('publishCheckRun', () => {
  it('concludes a regression neutral when the workflow does not gate on it, and never an error', async () => {
    const gh = await fake()
    await publishCheckRun(client(gh), pullRequest(), { ...base, verdict: 'regressed', gating: false })
    await publishCheckRun(client(gh), pullRequest(), { ...base, verdict: 'error', gating: false })
    expect(gh.state.checkRuns.map(run => run.conclusion)).toEqual(['neutral', 'failure'])
  })

  it.each<[Verdict, string]>([
    ['pass', 'success'],
    ['regressed', 'failure'],
    ['overridden', 'neutral'],
    ['skipped', 'skipped'],
    ['error', 'failure']
  ])('concludes a %s verdict as %s, completed, on the head commit', async (verdict, conclusion) => {
    const gh = await fake()
    const result = await publishCheckRun(client(gh), pullRequest(), { ...base, verdict })

    expect(gh.state.checkRuns).toHaveLength(1)
    const run = gh.state.checkRuns[0]!
    expect(run).toMatchObject({ name: 'promptgate', head_sha: sha.head, status: 'completed', conclusion })
    expect(result).toEqual({
      status: 'created',
      id: run.id,
      url: `https://github.com/Codertocat/Hello-World/runs/${run.id}`
    })
  })

  it('sends 120 annotations as a create with 50 and two updates with 50 and 20', async () => {
    const gh = await fake()
    const sent = annotations(120)
    await publishCheckRun(client(gh), pullRequest(), {
      ...base,
      verdict: 'regressed',
      title: 'Regression in 120 of 120 prompts',
      annotations: sent,
      detailsUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/4242'
    })

    const writes = gh.requests.filter(request => request.route === CREATE || request.route === UPDATE)
    expect(writes.map(request => [request.route, request.status])).toEqual([
      [CREATE, 201],
      [UPDATE, 200],
      [UPDATE, 200]
    ])
    const counts = writes.map(
      request => (request.body as { output: { annotations: unknown[] } }).output.annotations
    )
    expect(counts.map(batch => batch.length)).toEqual([50, 50, 20])
    const run = gh.state.checkRuns[0]!
    expect(run.annotations).toEqual(sent)
    expect(run.output.title).toBe('Regression in 120 of 120 prompts')
    expect(run.details_url).toBe('https://github.com/Codertocat/Hello-World/actions/runs/4242')
    for (const request of writes.slice(1))
      expect(request.path).toBe(`/repos/Codertocat/Hello-World/check-runs/${run.id}`)
  })

  it('sends no annotations key and one request when there are none', async () => {
    const gh = await fake()
    await publishCheckRun(client(gh), pullRequest(), { ...base, verdict: 'pass' })
    const writes = gh.requests.filter(request => request.method !== 'GET')
    expect(writes).toHaveLength(1)
    expect((writes[0]!.body as { output: object }).output).toEqual({
      title: 'No regressions',
      summary: 'summary'
    })
  })

  it('cuts a summary beyond 65,535 characters at a block, closes what it left open, and says so', async () => {
    const gh = await fake()
    const row = (index: number) =>
      `**case ${index}**\n\n\`\`\`diff\n- before ${index}\n+ after ${'x'.repeat(300)}\n\`\`\``
    const long = [
      '> [!CAUTION]\n> regression',
      '<details open>\n<summary>prompt</summary>',
      ...Array.from({ length: 400 }, (_, index) => row(index)),
      '</details>'
    ].join('\n\n')
    expect(long.length).toBeGreaterThan(CHECK_SUMMARY_MAX_CHARS)

    const result = await publishCheckRun(client(gh), pullRequest(), {
      ...base,
      verdict: 'regressed',
      summaryMarkdown: long
    })

    expect(result.status).toBe('created')
    const summary = gh.state.checkRuns[0]!.output.summary!
    expect(summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_MAX_CHARS)
    expect(summary.length).toBeGreaterThan(CHECK_SUMMARY_MAX_CHARS - 1_000)
    expect(summary).toMatch(/Cut to fit the 65,535-character limit of a check run/)
    expect(summary.startsWith(long.slice(0, 1000))).toBe(true)
    const html = renderHtml(summary)
    expect(detailsBalanced(html)).toBe(true)
    // Every code block closed: the note renders as text, not inside a <pre>.
    expect(html).toMatch(/<p>✂️ <em>Cut to fit/)
  })

  it('answers forbidden, without throwing, when the token may not write checks', async () => {
    const gh = await fake({ readOnly: true })
    const result = await publishCheckRun(client(gh), pullRequest(), {
      ...base,
      verdict: 'regressed',
      annotations: annotations(60)
    })
    expect(result.status).toBe('forbidden')
    expect(result.status === 'forbidden' && result.message).toMatch(/checks: write/)
    expect(result.status === 'forbidden' && result.message).toMatch(/Resource not accessible by integration/)
    expect(gh.state.checkRuns).toEqual([])
  })

  it('throws on a rate limit, which is not a missing permission', async () => {
    const gh = await fake({
      faults: [
        {
          method: 'POST',
          status: 403,
          message: 'API rate limit exceeded for installation ID 1.',
          headers: { 'x-ratelimit-remaining': '0' }
        }
      ]
    })
    await expect(
      publishCheckRun(client(gh), pullRequest(), { ...base, verdict: 'pass' })
    ).rejects.toMatchObject({
      status: 403
    })
  })
})

describe("the fake's check-run routes, held to GitHub's description", () => {
  let description: GitHubDescription
  let gh: FakeGitHub

  beforeAll(async () => {
    description = new GitHubDescription()
    gh = await startFakeGitHub({
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 2,
      files: [],
      contents: { [sha.base]: {}, [sha.head]: {} },
      labels: [],
      base: { sha: sha.base },
      head: { sha: sha.head }
    })
  }, 30_000)
  afterAll(async () => {
    await gh?.close()
  })

  async function call(route: string, params: Record<string, unknown>) {
    const octokit = createOctokit('t', { baseUrl: gh.url, retries: 0, throttle: false })
    try {
      const response = await octokit.request(route, { owner: 'Codertocat', repo: 'Hello-World', ...params })
      return { status: response.status, data: response.data as unknown }
    } catch (error) {
      const { status, response } = error as { status: number; response: { data: unknown } }
      return { status, data: response.data }
    }
  }

  function problems(route: string, status: number, data: unknown): string[] {
    const [method = '', path = ''] = route.split(' ')
    const operation = description.operation(method, path)!
    const schema = description.responseSchema(operation, status) ?? description.errorSchema()
    return description.problems(schema, data)
  }

  function requestProblems(route: string, body: unknown): string[] {
    const [method = '', path = ''] = route.split(' ')
    return description.problems(description.requestBodySchema(description.operation(method, path)!)!, body)
  }

  it('answers a create and an update in the described shapes', async () => {
    const created = await call(CREATE, {
      name: 'promptgate',
      head_sha: sha.head,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: annotations(2) }
    })
    expect(created.status).toBe(201)
    expect(problems(CREATE, 201, created.data)).toEqual([])
    expect(created.data).toMatchObject({ pull_requests: [{ number: 2 }], output: { annotations_count: 2 } })

    const id = (created.data as { id: number }).id
    const updated = await call(UPDATE, {
      check_run_id: id,
      output: { summary: 's', annotations: annotations(3) }
    })
    expect(updated.status).toBe(200)
    expect(problems(UPDATE, 200, updated.data)).toEqual([])
    expect(updated.data).toMatchObject({ output: { annotations_count: 5 } })
  })

  it('refuses 51 annotations in one request with 422, as GitHub does', async () => {
    const body = {
      name: 'n',
      head_sha: sha.head,
      output: { title: 't', summary: 's', annotations: annotations(51) }
    }
    const refused = await call(CREATE, body)
    expect(refused.status).toBe(422)
    expect(refused.data).toMatchObject({
      message: expect.stringMatching(/No more than 50 items are allowed; 51 were supplied/)
    })
    expect(problems(CREATE, 422, refused.data)).toEqual([])
    // The description agrees that 51 is one too many.
    expect(requestProblems(CREATE, body).join()).toMatch(/must NOT have more than 50 items/)
    expect(
      requestProblems(CREATE, { ...body, output: { ...body.output, annotations: annotations(50) } })
    ).toEqual([])
  })

  it('refuses a summary beyond 65,535 characters, an unknown commit and a completed run without a conclusion', async () => {
    const long = await call(CREATE, {
      name: 'n',
      head_sha: sha.head,
      output: { title: 't', summary: 'x'.repeat(65_536) }
    })
    expect(long.status).toBe(422)
    const unknown = await call(CREATE, { name: 'n', head_sha: 'f'.repeat(40) })
    expect(unknown).toMatchObject({
      status: 422,
      data: { message: `No commit found for SHA: ${'f'.repeat(40)}` }
    })
    const incomplete = await call(CREATE, { name: 'n', head_sha: sha.head, status: 'completed' })
    expect(incomplete.status).toBe(422)
    for (const answer of [long, unknown, incomplete]) expect(problems(CREATE, 422, answer.data)).toEqual([])
  })

  it('receives from publishCheckRun only bodies the description accepts', async () => {
    const from = gh.requests.length
    const octokit = createOctokit('t', { baseUrl: gh.url, retries: 0, throttle: false })
    await publishCheckRun(octokit, pullRequest(), {
      name: 'promptgate',
      verdict: 'overridden',
      summaryMarkdown: 'x'.repeat(70_000),
      annotations: annotations(75),
      detailsUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/1'
    })
    const ours = gh.requests.slice(from)
    expect(ours.map(request => request.route)).toEqual([CREATE, UPDATE])
    for (const request of ours) {
      expect(request.status).toBeLessThan(300)
      expect(requestProblems(request.route!, request.body)).toEqual([])
    }
  })
})

describe('buildAnnotations', () => {
  const regressed = () =>
    promptResults(
      'prompts/triage.prompt.yml',
      [
        { id: 'a', base: 'refund', head: { output: 'billing', pass: false } },
        { id: 'b', base: 'x', head: 'x' }
      ],
      { thresholds: { pass_rate: { max_drop: 0 } } }
    )

  it('puts a failure on each regressed prompt naming the metrics that broke, on its first changed line', () => {
    const input = reportInput([regressed(), typicalPrompt('prompts/ok.md', { thresholds: {} })])
    const result = buildAnnotations(input.comparison, {
      lines: new Map([['prompts/triage.prompt.yml', 7]])
    })
    expect(result).toEqual([
      {
        path: 'prompts/triage.prompt.yml',
        start_line: 7,
        end_line: 7,
        annotation_level: 'failure',
        title: 'promptgate: regression',
        message: expect.stringMatching(
          /^pass_rate dropped 0\.50 \(allowed 0\.00\).*1 of 2 cases regressed\.$/
        )
      }
    ])
  })

  it('names every broken metric, and uses line 1 when the changed line is unknown', () => {
    const prompt = promptResults(
      'p.prompt.yml',
      [
        {
          base: { assertions: [assertion('label', true), assertion('tone', true)] },
          head: { pass: false, assertions: [assertion('label', false), assertion('tone', false)] }
        }
      ],
      { thresholds: { '*': { max_drop: 0 } } }
    )
    const [only] = buildAnnotations(reportInput([prompt]).comparison)
    expect(only).toMatchObject({ start_line: 1, end_line: 1 })
    for (const metric of ['pass_rate', 'label', 'tone']) expect(only?.message).toContain(`${metric} dropped`)
  })

  it('turns the regressions into notices once a label accepted them', () => {
    const { comparison } = reportInput([regressed()])
    const [only] = buildAnnotations(comparison, { verdict: 'overridden' })
    expect(only).toMatchObject({ annotation_level: 'notice', title: 'promptgate: regression accepted' })
  })

  it('fails prompts whose calls failed, once each, and skips passing and removed prompts', () => {
    const failing = promptResults('err.prompt.yml', [{ base: 'a', head: { error: 'HTTP 500' } }])
    const removed = promptResults('gone.prompt.yml', [], { status: 'removed' })
    const result = buildAnnotations(
      reportInput([failing, removed, typicalPrompt('ok.md', { thresholds: {} })]).comparison
    )
    expect(result.map(item => [item.path, item.annotation_level])).toEqual([['err.prompt.yml', 'failure']])
    expect(result[0]?.message).toMatch(/^1 model call failed after retries \(base 0, head 1\)/)
  })
})

describe('checkRunTitle', () => {
  it('says how many prompts regressed, and the verdict otherwise', () => {
    const { comparison } = reportInput([
      promptResults('a', [{ base: 'x', head: { output: 'y', pass: false } }]),
      typicalPrompt('b', { thresholds: {} })
    ])
    expect(checkRunTitle(comparison, 'regressed')).toBe('Regression in 1 of 2 prompts')
    expect(checkRunTitle(comparison, 'overridden')).toBe('Regression in 1 of 2 prompts accepted by label')
    expect(checkRunTitle(comparison, 'error')).toBe('Evaluation failed')
  })
})

describe('firstChangedLine', () => {
  it.each<[string, string | undefined, string, number]>([
    ['an added file', undefined, 'a\nb\n', 1],
    ['a change on line 3', 'a\nb\nc\nd\n', 'a\nb\nC\nd\n', 3],
    ['lines added at the end', 'a\nb\n', 'a\nb\nc\n', 3],
    ['lines removed from the end', 'a\nb\nc\n', 'a\n', 1],
    ['CRLF against LF, same text', 'a\r\nb\r\n', 'a\nb\n', 1],
    ['only the final newline removed', 'a\nb\n', 'a\nb', 2]
  ])('%s', (_name, before, after, line) => {
    expect(firstChangedLine(before, after)).toBe(line)
  })
})

describe('findChangedLines', () => {
  it('reads both versions of each annotated prompt, through a rename, and skips the rest', async () => {
    const files: Record<string, string> = {
      'base:old/a.prompt.yml': 'name: a\nmodel: m\n',
      'head:a.prompt.yml': 'name: a\nmodel: other\n',
      'head:new.prompt.yml': 'name: new\n',
      'base:ok.md': 'same',
      'head:ok.md': 'changed'
    }
    const reads: string[] = []
    const source = {
      baseRef: 'base',
      headRef: 'head',
      read: async (ref: string, path: string) => {
        reads.push(`${ref}:${path}`)
        if (path === 'broken.prompt.yml') throw new Error('HTTP 500')
        return files[`${ref}:${path}`]
      }
    }
    const failing = (path: string, options = {}) =>
      promptResults(path, [{ base: 'x', head: { output: 'y', pass: false } }], options)
    const { comparison } = reportInput([
      failing('a.prompt.yml', { status: 'renamed', previousPath: 'old/a.prompt.yml' }),
      failing('new.prompt.yml', { status: 'added', thresholds: { pass_rate: { min: 0.9 } } }),
      failing('broken.prompt.yml'),
      typicalPrompt('ok.md', { thresholds: {} })
    ])
    const lines = await findChangedLines(source, comparison)
    expect([...lines].sort()).toEqual([
      ['a.prompt.yml', 2],
      ['new.prompt.yml', 1]
    ])
    expect(reads).not.toContain('head:ok.md')
  })
})

describe('capMarkdown', () => {
  const note = '\n\nNOTE'

  it('leaves text within the limit alone', () => {
    expect(capMarkdown('a\n\nb', 4, note)).toBe('a\n\nb')
  })

  it('closes a code fence it cut through when no block end fits', () => {
    const text = `\`\`\`\n${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\n\`\`\``
    const capped = capMarkdown(text, 100, note)
    expect(capped.length).toBeLessThanOrEqual(100)
    expect(capped).toMatch(/line \d+\n```\n\nNOTE$/)
  })

  it('closes open <details> after cutting between blocks', () => {
    const text = `<details>\n<summary>s</summary>\n\n${'para\n\n'.repeat(40)}</details>`
    const capped = capMarkdown(text, 120, note)
    expect(capped.length).toBeLessThanOrEqual(120)
    expect(capped).toMatch(/para\n\n<\/details>\n\nNOTE$/)
    expect(detailsBalanced(renderHtml(capped))).toBe(true)
  })

  it('does not count a <details> inside a code block', () => {
    const text = `\`\`\`\n<details>\n\`\`\`\n\n${'para\n\n'.repeat(40)}`
    expect(capMarkdown(text, 80, note)).not.toContain('</details>')
  })

  it('cuts one huge line without splitting a surrogate pair', () => {
    const capped = capMarkdown('😀'.repeat(100), 51, note)
    expect(capped.length).toBeLessThanOrEqual(51)
    expect(capped).toMatch(/^(😀)+…\n\nNOTE$/)
  })
})
