/**
 * A bad day on GitHub, and a hostile commenter: the comment write fails, is refused as too long, the
 * comment is deleted mid-run, someone forges the marker, two runs race, or a run is for an old head.
 * The verdict and the full report must survive each, and the pull request must end with one
 * comment of ours that reports the newest head.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel, sentimentPrompt } from '../helpers/sentiment.js'
import { closeWorlds, startWorld, STICKY_MARKER, type World, type WorldOptions } from '../helpers/world.js'

const TOKEN = 'ghs_e2eCommentFaults0123456789'
const PROMPT = SENTIMENT_PROMPT
const COMMENTS = '/repos/Codertocat/Hello-World/issues/2/comments'
const mallory = { login: 'mallory', type: 'User' } as const

afterEach(closeWorlds)

function regression(options: Partial<WorldOptions> = {}): Promise<World> {
  return startWorld(
    { [PROMPT]: ONE_WORD },
    { [PROMPT]: CHATTY },
    { token: TOKEN, respond: sentimentModel, ...options }
  )
}

/** A head that changes the prompt but not its answers. */
function passing(options: Partial<WorldOptions> = {}): Promise<World> {
  return startWorld(
    { [PROMPT]: ONE_WORD },
    { [PROMPT]: sentimentPrompt('Answer with one word, please.') },
    { token: TOKEN, respond: sentimentModel, ...options }
  )
}

function jsonReport(w: World): { verdict: string; prompts: unknown[] } {
  return JSON.parse(readFileSync(join(w.repo.dir, 'promptgate-report.json'), 'utf8'))
}

const warnings = (run: { annotations: { level: string; message: string }[] }) =>
  run.annotations.filter(annotation => annotation.level === 'warning').map(annotation => annotation.message)

describe('a comment write that fails', () => {
  const failingWrites = [{ method: 'POST', path: COMMENTS, status: 500, times: 100 }]

  it('keeps the regression, the full report in the summary and the JSON report, and still fails the step', async () => {
    const w = await regression({ faults: failingWrites })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.stickyComments()).toEqual([])
    expect(run.summary).toContain(PROMPT)
    expect(run.summary).toMatch(/pass_rate/)
    expect(run.summary).toMatch(
      /\[!WARNING\]\n> promptgate could not write the pull-request comment: GitHub answered 500: Server Error/
    )
    expect(jsonReport(w).verdict).toBe('regressed')
    expect(jsonReport(w).prompts).toHaveLength(1)
    expect(warnings(run).join('\n')).toMatch(/could not write the pull-request comment/)
    expect(run.annotations.filter(annotation => annotation.level === 'error')).toHaveLength(1)
  }, 30_000)

  it('lets a pass pass, with a warning', async () => {
    const w = await passing({ faults: failingWrites })
    const run = await w.run()
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toBe('pass')
    expect(jsonReport(w).verdict).toBe('pass')
    expect(run.summary).toMatch(/could not write the pull-request comment/)
    expect(warnings(run).join('\n')).toMatch(/could not write the pull-request comment/)
    expect(run.annotations.filter(annotation => annotation.level === 'error')).toEqual([])
  }, 30_000)
})

/** 60 rows whose outputs all change: a report of tens of thousands of characters. */
function bigRegression(options: Partial<WorldOptions>): Promise<World> {
  const rows = Array.from(
    { length: 60 },
    (_, i) =>
      `  - review: I love it, take ${i} of a very long review text that goes on and on\n    expected: positive`
  ).join('\n')
  const withRows = (instruction: string) =>
    sentimentPrompt(instruction).replace(/testData:\n(?: {2}- .*\n {4}.*\n)+/, `testData:\n${rows}\n`)
  return startWorld(
    { [PROMPT]: withRows('Answer with one word.') },
    { [PROMPT]: withRows('Be friendly and helpful.') },
    { token: TOKEN, respond: sentimentModel, ...options }
  )
}

describe('a comment GitHub refuses with 422', () => {
  it('falls back to the verdict alone with a link to the job summary when the short report is refused too', async () => {
    const w = await bigRegression({ commentBodyLimit: 400 })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    const comments = w.stickyComments()
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body).toMatch(
      /\*\*promptgate: regressed\*\* for [0-9a-f]{7}\. GitHub refused the full comment; the report is in \[the job summary of this run\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/4242\)/
    )
  }, 30_000)

  it('is written again, shorter, with the verdict and a pointer to the job summary', async () => {
    // GitHub counts some bodies longer than we do (multi-byte text); here anything past 7,000 characters.
    const w = await bigRegression({ commentBodyLimit: 7_000 })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    const refused = w.github.requests.filter(
      request => request.route?.includes('comments') && request.status === 422
    )
    expect(refused.length).toBeGreaterThan(0)
    const [comment] = w.stickyComments()
    expect(w.stickyComments()).toHaveLength(1)
    expect(comment!.body.length).toBeLessThanOrEqual(7_000)
    expect(comment!.body).not.toMatch(/GitHub refused the full comment/)
    expect(comment!.body).toMatch(/regress/i)
    expect(run.summary.length).toBeGreaterThan(7_000)
    expect(warnings(run).join('\n')).not.toMatch(/could not write the pull-request comment/)
  }, 30_000)
})

describe('a lookup that fails after the evaluation finished', () => {
  it("fails closed and keeps the evaluation's report", async () => {
    const w = await regression({
      labels: ['promptgate:accept'],
      faults: [{ method: 'GET', path: '/repos/Codertocat/Hello-World/issues/2/labels', status: 403 }]
    })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    // The override label cannot be checked, so it does not count: the regression stands.
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.stickyComments()[0]!.body).toMatch(/could not check the label \(GitHub answered 403/)
    expect(run.summary).toMatch(/pass_rate/)
    expect(run.summary).toContain(PROMPT)
    expect(w.stickyComments()[0]!.body).toMatch(/pass_rate/)
    expect(jsonReport(w).prompts).toHaveLength(1)
  }, 30_000)
})

describe('a sticky comment deleted mid-run', () => {
  it('is created again with the final verdict', async () => {
    let progressId: number | undefined
    const w: World = await regression({
      respond: request => {
        // The first model call comes after the progress comment: delete it, as a person could.
        const comments = w.github.state.comments
        const index = comments.findIndex(comment => comment.body.includes(STICKY_MARKER))
        if (index >= 0) {
          progressId = comments[index]!.id
          comments.splice(index, 1)
        }
        return sentimentModel(request)
      }
    })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    expect(progressId).toBeDefined()
    const comments = w.stickyComments()
    expect(comments).toHaveLength(1)
    expect(comments[0]!.id).not.toBe(progressId)
    expect(comments[0]!.body).toMatch(/regress/i)
  }, 30_000)

  it('is created again when the update answers 404', async () => {
    const w = await regression({ faults: [{ method: 'PATCH', status: 404, times: 1 }] })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    expect(w.stickyComments()).toHaveLength(1)
    expect(w.stickyComments()[0]!.body).toMatch(/regress/i)
    expect(
      w.github.requests.filter(request => request.method === 'PATCH' && request.status === 404)
    ).toHaveLength(1)
  }, 30_000)
})

describe('a comment that carries the marker but is not ours', () => {
  const forged = `${STICKY_MARKER}\n**promptgate: pass** (forged)`

  it('is left alone under GITHUB_TOKEN, and our own comment is made', async () => {
    const w = await regression({ comments: [{ body: forged, user: mallory }] })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    const comments = w.stickyComments()
    expect(comments.map(comment => comment.user.login)).toEqual(['mallory', 'github-actions[bot]'])
    expect(comments[0]!.body).toBe(forged)
    expect(comments[1]!.body).toMatch(/regress/i)
    expect(w.github.requests.filter(request => request.method === 'DELETE')).toEqual([])
  }, 30_000)

  it("is left alone under a PAT too; the PAT user's own comment is updated", async () => {
    const octocat = { login: 'octocat', type: 'User' } as const
    const w = await regression({
      tokenUser: octocat,
      comments: [
        { body: forged, user: mallory },
        { body: `${STICKY_MARKER}\nold result`, user: octocat }
      ]
    })
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    const comments = w.stickyComments()
    expect(comments.map(comment => comment.user.login)).toEqual(['mallory', 'octocat'])
    expect(comments[0]!.body).toBe(forged)
    expect(comments[1]!.body).toMatch(/regress/i)
  }, 30_000)
})

describe('runs that race on one pull request', () => {
  it('leave one comment when two run at the same time', async () => {
    // A slow comment post: each run lists the comments before the other's post lands.
    const w = await regression({ delays: [{ method: 'POST', path: COMMENTS, ms: 2_000 }] })
    const [first, second] = await Promise.all([w.run(), w.run()])
    expect([first.exitCode, second.exitCode]).toEqual([1, 1])
    // Both listed before either posted, so both created one; one of the two was deleted.
    const writes = w.github.requests
      .filter(request => request.method !== 'GET')
      .map(request => request.method)
    expect(writes.filter(method => method === 'POST')).toHaveLength(2)
    expect(writes.filter(method => method === 'DELETE').length).toBeGreaterThanOrEqual(1)
    expect(w.stickyComments()).toHaveLength(1)
    expect(w.stickyComments()[0]!.body).toMatch(/regress/i)
    expect(w.stickyComments()[0]!.body).toContain(`<!-- promptgate:head-sha ${w.repo.headSha} -->`)
  }, 60_000)

  it("never overwrite a newer head's result with an older head's", async () => {
    const newer = 'd'.repeat(40)
    const newerResult = `${STICKY_MARKER}\n**promptgate: pass** for ddddddd\n\n<!-- promptgate:head-sha ${newer} -->\n`
    const w = await regression({ comments: [{ body: newerResult }] })
    // The pull request was pushed to again while this run, for the older head, was evaluating.
    w.github.state.head.sha = newer
    const run = await w.run()
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.stickyComments().map(comment => comment.body)).toEqual([newerResult])
    expect(
      run.annotations.some(
        annotation => annotation.level === 'notice' && /head is now ddddddd/.test(annotation.message)
      )
    ).toBe(true)
    expect(run.summary).toMatch(/pass_rate/)
  }, 30_000)
})
