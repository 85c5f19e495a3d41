/**
 * The fork workflow pair (examples/workflows/promptgate-fork-*.yml): a pull_request run evaluates with
 * a read-only token and uploads its JSON report; a workflow_run run with `mode: publish` downloads it,
 * checks it, and writes the comment and the check run. The artifact is attacker data throughout.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { fakeMaintainer, type FakeArtifactSeed } from '../helpers/fake-github.js'
import { EVALUATION_WORKFLOW_ID, workflowRunPayload } from '../helpers/payloads.js'
import { runAction, type ActionRun } from '../helpers/run-action.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'
import { zipOf } from '../helpers/zip.js'
import { detailsBalanced, mentions, renderHtml, textOutsideCode } from '../unit/report/html.js'

const TOKEN = 'ghs_e2eForkPublish0123456789'
const FORK = 'octocat-fork/Hello-World'
const EVALUATION_RUN = 777
const ARTIFACT = 'promptgate-report'
const REDACTED = '***'
const HEAD_ARRIVED = '2025-01-01T00:30:00Z'

interface Workflow {
  name: string
  on: Record<string, { types?: string[]; workflows?: string[] }>
  permissions: Record<string, string>
  jobs: Record<
    string,
    { if?: string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }
  >
}

function exampleWorkflow(file: string): Workflow {
  const path = resolve(import.meta.dirname, '..', '..', 'examples', 'workflows', file)
  return parse(readFileSync(path, 'utf8')) as Workflow
}

const EVALUATE = exampleWorkflow('promptgate-fork-evaluate.yml')
const PUBLISH = exampleWorkflow('promptgate-fork-publish.yml')

/** The `with:` of the workflow's promptgate step, as the runner passes inputs: strings. */
function stepInputs(workflow: Workflow): Record<string, string> {
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps)
  const step = steps.find(candidate => candidate.uses?.startsWith('promptgate/promptgate@'))
  if (!step) throw new Error(`${workflow.name} has no promptgate step`)
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, String(value)]))
}

type Report = Record<string, unknown> & {
  pullRequest?: number
  headSha?: string
  prompts: { reason: string; metrics: { reason?: string }[]; cases: { head?: { output: string } }[] }[]
}

// Every test spawns the action two or three times (evaluate, then publish); a loaded runner is slow.
jest.setTimeout(30_000)

let scratch: string[] = []
afterEach(async () => {
  await closeWorlds()
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
  scratch = []
})

/** A regressing pull request from a fork, evaluated as the pull_request workflow would: no comment. */
async function evaluatedFork(options: { fork?: boolean; labels?: string[] } = {}) {
  const w = await startWorld(
    { [SENTIMENT_PROMPT]: ONE_WORD },
    { [SENTIMENT_PROMPT]: CHATTY },
    { token: TOKEN, respond: sentimentModel, labels: options.labels ?? [] }
  )
  Object.assign(w.github.state.head, {
    sha: w.repo.headSha,
    ref: 'tune-prompt',
    repo: options.fork === false ? 'Codertocat/Hello-World' : FORK
  })
  w.github.state.base.sha = w.repo.baseSha
  // GitHub's record of the evaluation run: when this head commit arrived, for the override rule.
  w.github.state.workflowRuns.push({
    id: EVALUATION_RUN,
    workflowId: EVALUATION_WORKFLOW_ID,
    headSha: w.repo.headSha,
    headBranch: 'tune-prompt',
    headRepo: options.fork === false ? 'Codertocat/Hello-World' : FORK,
    event: 'pull_request',
    createdAt: HEAD_ARRIVED
  })
  const evaluation = await w.run({ inputs: stepInputs(EVALUATE) })
  expect(evaluation.outputs.verdict).toBe('regressed')
  // The evaluation writes nothing to GitHub: its token could not, and the publisher does.
  expect(w.github.requests.filter(request => request.method !== 'GET')).toEqual([])
  const report = JSON.parse(readFileSync(join(w.repo.dir, 'promptgate-report.json'), 'utf8')) as Report
  return { w, report }
}

async function upload(
  w: World,
  files: Record<string, string | Uint8Array>,
  extra: Partial<FakeArtifactSeed> = {}
) {
  w.github.state.artifacts.push({
    id: 5_000_000_000 + w.github.state.artifacts.length,
    runId: EVALUATION_RUN,
    name: ARTIFACT,
    zip: await zipOf(files),
    ...extra
  })
}

const reportFile = (report: unknown) => ({ 'promptgate-report.json': JSON.stringify(report, null, 2) })

/** The workflow_run workflow: an empty workspace (no checkout), `mode: publish`. */
async function publish(
  w: World,
  options: { fork?: boolean; inputs?: Record<string, string>; eventName?: string } = {}
) {
  const workspace = mkdtempSync(join(tmpdir(), 'promptgate-publish-'))
  scratch.push(workspace)
  const modelCalls = w.model.requests.length
  const from = w.github.requests.length
  const result = await runAction({
    eventName: options.eventName ?? 'workflow_run',
    payload: workflowRunPayload({
      runId: EVALUATION_RUN,
      headSha: w.repo.headSha,
      headBranch: 'tune-prompt',
      headRepository: options.fork === false ? 'Codertocat/Hello-World' : FORK
    }),
    workspace,
    githubApiUrl: w.github.url,
    modelsEndpoint: w.model.url,
    token: TOKEN,
    inputs: { ...stepInputs(PUBLISH), ...options.inputs }
  })
  return {
    result,
    modelCalls: w.model.requests.length - modelCalls,
    requests: w.github.requests.slice(from)
  }
}

function errors(result: ActionRun): string[] {
  return result.annotations.filter(annotation => annotation.level === 'error').map(a => a.message)
}

function expectNothingWritten(w: World): void {
  expect(w.stickyComments()).toEqual([])
  expect(w.github.state.comments).toEqual([])
  expect(w.github.state.checkRuns).toEqual([])
}

describe('the example workflows', () => {
  it('evaluate on pull_request with a read-only token and upload the report', () => {
    expect(Object.keys(EVALUATE.on)).toEqual(['pull_request'])
    expect(EVALUATE.permissions).toEqual({ contents: 'read', models: 'read' })
    expect(stepInputs(EVALUATE)).toEqual({ comment: 'false', 'upload-report': 'true' })
  })

  it("publish on the evaluation workflow's completed runs, with write access but no checkout", () => {
    expect(PUBLISH.on).toEqual({ workflow_run: { workflows: [EVALUATE.name], types: ['completed'] } })
    expect(PUBLISH.permissions).toEqual({ actions: 'read', 'pull-requests': 'write', checks: 'write' })
    const steps = Object.values(PUBLISH.jobs).flatMap(job => job.steps)
    expect(steps.map(step => step.uses)).toEqual([expect.stringMatching(/^promptgate\/promptgate@/)])
    expect(steps.some(step => step.run !== undefined)).toBe(false)
    expect(stepInputs(PUBLISH)).toMatchObject({ mode: 'publish' })
    expect(Object.values(PUBLISH.jobs)[0]!.if).toMatch(/github\.event\.workflow_run\.event == 'pull_request'/)
  })
})

describe('mode: publish, from a fork', () => {
  it('writes the comment and a failing check on the head commit from the artifact alone', async () => {
    const { w, report } = await evaluatedFork()
    expect(report.pullRequest).toBe(2)
    expect(w.stickyComments()).toEqual([])
    await upload(w, reportFile(report))

    const { result, modelCalls, requests } = await publish(w)

    expect(result.exitCode).toBe(1)
    expect(result.outputs.verdict).toBe('regressed')
    expect(errors(result)).toEqual([expect.stringMatching(/prompts\/sentiment\.prompt\.yml regressed/)])
    const [comment, ...others] = w.stickyComments()
    expect(others).toEqual([])
    expect(comment!.body).toContain('[!CAUTION]')
    expect(comment!.body).toContain('sentiment.prompt.yml')
    expect(comment!.body).toContain(
      `https://github.com/Codertocat/Hello-World/actions/runs/${EVALUATION_RUN}`
    )
    expect(result.outputs['comment-url']).toMatch(/#issuecomment-\d+$/)
    expect(w.github.state.checkRuns).toEqual([
      expect.objectContaining({ name: 'promptgate', head_sha: w.repo.headSha, conclusion: 'failure' })
    ])
    // The publisher reads no file, so the annotation goes on the prompt's first line.
    expect(w.github.state.checkRuns[0]!.annotations).toEqual([
      expect.objectContaining({ path: SENTIMENT_PROMPT, start_line: 1, annotation_level: 'failure' })
    ])
    // Nothing evaluated, nothing of the repository read: only the artifact, the pull request's identity, labels, writes.
    expect(modelCalls).toBe(0)
    expect([...new Set(requests.map(request => request.route))].sort()).toEqual(
      [
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
        'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
        'GET artifact storage',
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
        'GET /repos/{owner}/{repo}/pulls',
        // The comment's author check (whose comment is ours) and its race check (has the head moved on?).
        'GET /user',
        'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        'POST /repos/{owner}/{repo}/check-runs'
      ].sort()
    )
    // The storage URL never sees the token.
    const storage = requests.filter(request => request.route === 'GET artifact storage')
    expect(storage.map(request => request.headers.authorization)).toEqual([undefined])
    expect(w.github.unhandled()).toEqual([])
    // The publisher's own report is the artifact's, re-rendered from its data.
    const republished = JSON.parse(readFileSync(result.outputs['report-path']!, 'utf8')) as Report
    expect(republished.prompts).toEqual(report.prompts)
  })

  it('finds a same-repository pull request through the pull requests of its head commit', async () => {
    const { w, report } = await evaluatedFork({ fork: false })
    await upload(w, reportFile(report))
    const { result, requests } = await publish(w, { fork: false })
    expect(result.outputs.verdict).toBe('regressed')
    expect(w.stickyComments()).toHaveLength(1)
    const routes = requests.map(request => request.route)
    expect(routes).toContain('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls')
    expect(routes).not.toContain('GET /repos/{owner}/{repo}/pulls')
  })

  it('decides the override at publish time, never from the artifact', async () => {
    const { w, report } = await evaluatedFork()
    // The report claims an accepted regression; only a maintainer's label on the pull request accepts it.
    await upload(w, reportFile({ ...report, verdict: 'overridden', overrideLabel: 'promptgate:accept' }))
    const refused = await publish(w)
    expect(refused.result.outputs.verdict).toBe('regressed')
    expect(refused.result.exitCode).toBe(1)

    w.github.state.labels.push('promptgate:accept')
    w.github.state.labelEvents.push({
      event: 'labeled',
      label: 'promptgate:accept',
      actor: fakeMaintainer,
      created_at: '2025-01-01T01:00:00Z'
    })
    const accepted = await publish(w)
    expect(accepted.result.exitCode).toBe(0)
    expect(accepted.result.outputs.verdict).toBe('overridden')
    expect(w.stickyComments()).toHaveLength(1)
    expect(w.stickyComments()[0]!.body).toContain(fakeMaintainer)
    expect(w.github.state.checkRuns.at(-1)).toMatchObject({ conclusion: 'neutral' })
  })

  it.each([
    ['by a triage user', 'triager', '2025-01-01T01:00:00Z', /added by triager, who has triage permission/],
    [
      'before the head commit arrived',
      fakeMaintainer,
      '2025-01-01T00:10:00Z',
      new RegExp(`before the head commit [0-9a-f]{7} arrived at ${HEAD_ARRIVED}`)
    ]
  ])('keeps the regression when the label was added %s', async (_name, actor, at, reason) => {
    const { w, report } = await evaluatedFork()
    w.github.state.permissions.triager = 'triage'
    w.github.state.labels.push('promptgate:accept')
    w.github.state.labelEvents.push({ event: 'labeled', label: 'promptgate:accept', actor, created_at: at })
    await upload(w, reportFile(report))
    const { result } = await publish(w)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verdict).toBe('regressed')
    expect(errors(result)).toEqual([expect.stringMatching(reason)])
  })
})

describe('mode: publish refuses what it cannot trust, and writes nothing', () => {
  it('an artifact claiming another pull request than the one GitHub associates with the head commit', async () => {
    const { w, report } = await evaluatedFork()
    await upload(w, reportFile({ ...report, pullRequest: 1 }))
    const { result } = await publish(w)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verdict).toBe('error')
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /artifact is refused: it claims pull request #1, but GitHub associates .* with #2/
      )
    ])
    expectNothingWritten(w)
  })

  it('an artifact claiming another head commit than the run evaluated', async () => {
    const { w, report } = await evaluatedFork()
    await upload(w, reportFile({ ...report, headSha: w.repo.baseSha }))
    const { result } = await publish(w)
    expect(errors(result)).toEqual([expect.stringMatching(/refused: it claims head commit/)])
    expectNothingWritten(w)
  })

  it('a run whose head commit is no longer the pull request head', async () => {
    const { w, report } = await evaluatedFork()
    await upload(w, reportFile(report))
    w.github.state.head.sha = w.repo.baseSha // pushed since; the newer run publishes its own
    const { result } = await publish(w)
    expect(errors(result)).toEqual([
      expect.stringMatching(/claims pull request #2, but .* no open pull request/)
    ])
    expectNothingWritten(w)
  })

  it.each([
    [
      'listed over the limit',
      async (files: Record<string, string>) => ({ zip: await zipOf(files), sizeInBytes: 6 * 1024 * 1024 }),
      /refused: its size \(6\.0 MB\) is over the 5\.0 MB limit/
    ],
    [
      'downloaded over the limit though listed small',
      async () => ({
        zip: await zipOf({ 'noise.bin': randomBytes(6 * 1024 * 1024) }, { store: true }),
        sizeInBytes: 1000
      }),
      /refused: the downloaded zip is over the 5\.0 MB limit/
    ],
    [
      'inflating past the limit (a zip bomb)',
      async () => ({ zip: await zipOf({ 'promptgate-report.json': ' '.repeat(11 * 1024 * 1024) }) }),
      /refused: its extracted content is over the 10\.0 MB limit/
    ]
  ])('an oversized artifact: %s', async (_name, make, message) => {
    const { w, report } = await evaluatedFork()
    const seed = await make(reportFile(report))
    await upload(w, {}, seed)
    const { result } = await publish(w)
    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(message)])
    expectNothingWritten(w)
  })

  it.each([
    [
      'a pre-rendered comment',
      (report: Report) => reportFile({ ...report, commentMarkdown: '@everyone' }),
      /does not follow schema\/report\.schema\.json: the report must NOT have additional properties \(commentMarkdown\)/
    ],
    [
      'a wrong type',
      (report: Report) => reportFile({ ...report, pullRequest: '2' }),
      /does not follow schema.*\/pullRequest must be integer/
    ],
    [
      'text that is not JSON',
      () => ({ 'promptgate-report.json': '{"schemaVersion": 1,' }),
      /promptgate-report\.json is not JSON/
    ],
    [
      'two files',
      (report: Report) => ({ ...reportFile(report), 'extra.json': '{}' }),
      /must hold exactly one file, the JSON report; it holds 2/
    ],
    ['not a zip', () => 'garbage', /not a readable zip/]
  ])('a schema-invalid artifact: %s', async (_name, files, message) => {
    const { w, report } = await evaluatedFork()
    const content = files(report)
    if (typeof content === 'string') await upload(w, {}, { zip: Buffer.from(content) })
    else await upload(w, content)
    const { result } = await publish(w)
    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(message)])
    expectNothingWritten(w)
  })

  it('a run that uploaded no report, or whose report expired', async () => {
    const { w, report } = await evaluatedFork()
    await upload(w, reportFile(report), { expired: true })
    const { result } = await publish(w)
    expect(errors(result)).toEqual([
      expect.stringMatching(/run 777 uploaded no "promptgate-report" artifact .* "upload-report: true"/)
    ])
    expectNothingWritten(w)
  })

  it('an unknown mode', async () => {
    const { w } = await evaluatedFork()
    const { result } = await publish(w, { inputs: { mode: 'publsh' } })
    expect(errors(result)).toEqual([
      expect.stringMatching(/input "mode" must be evaluate or publish, not "publsh"/)
    ])
    expectNothingWritten(w)
  })

  it('an event other than workflow_run', async () => {
    const { w } = await evaluatedFork()
    const { result } = await publish(w, { eventName: 'pull_request' })
    expect(errors(result)).toEqual([
      expect.stringMatching(/mode: publish runs in a workflow triggered by "on: workflow_run"/)
    ])
    expectNothingWritten(w)
  })
})

describe('mode: publish renders untrusted report data escaped', () => {
  it('hostile markdown, mentions and HTML in outputs and reasons stay text', async () => {
    const { w, report } = await evaluatedFork()
    const hostile =
      '@octo-org/maintainers <img src=x onerror=alert(1)> [click](https://evil.example) ![x](https://evil.example/p.png) #1 </details>'
    const forged = structuredClone(report)
    const prompt = forged.prompts[0]!
    prompt.reason = hostile
    prompt.metrics[0]!.reason = hostile
    // The publisher's own token, echoed by a forged output, is redacted like any secret.
    for (const item of prompt.cases) if (item.head) item.head.output = `${hostile} ${TOKEN}`
    await upload(w, reportFile(forged))

    const { result } = await publish(w)

    expect(result.outputs.verdict).toBe('regressed')
    const body = w.stickyComments()[0]!.body
    const check = w.github.state.checkRuns[0]!.output.summary ?? ''
    for (const markdown of [body, check, result.summary]) {
      const html = renderHtml(markdown)
      expect(html).not.toMatch(/<img|<script/i)
      expect([...html.matchAll(/href="([^"]*)"/g)].map(match => match[1])).not.toContainEqual(
        expect.stringContaining('evil')
      )
      expect(mentions(textOutsideCode(html))).toEqual([])
      expect(detailsBalanced(html)).toBe(true)
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(markdown).not.toContain(TOKEN)
    }
    expect(body).toContain(REDACTED)
    expect(readFileSync(result.outputs['report-path']!, 'utf8')).not.toContain(TOKEN)
  })
})

function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let offset = 0; offset < size; offset += 65_536)
    crypto.getRandomValues(bytes.subarray(offset, offset + 65_536))
  return bytes
}
