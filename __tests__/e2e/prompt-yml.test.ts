import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Tree } from '../helpers/git-repo.js'
import { eventPayload, pullRequestPayload } from '../helpers/payloads.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { closeWorlds, startWorld } from '../helpers/world.js'

const TOKEN = 'ghs_e2eTestToken0123456789'
const PROMPT = SENTIMENT_PROMPT

afterEach(closeWorlds)

function world(
  base: Tree,
  head: Tree,
  options: { labels?: string[]; readOnly?: boolean; actionsCache?: boolean } = {}
) {
  return startWorld(base, head, { token: TOKEN, respond: sentimentModel, ...options })
}

describe('the action on a pull request that edits a *.prompt.yml file', () => {
  it('fails a regression after writing one comment, the job summary and the outputs', async () => {
    const w = await world({ [PROMPT]: ONE_WORD, 'README.md': 'x' }, { [PROMPT]: CHATTY, 'README.md': 'x' })
    const run = await w.run()

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    const comments = w.stickyComments()
    expect(comments).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    expect(body).toContain('[!CAUTION]')
    expect(body).toContain(PROMPT)
    expect(body).toContain('+ {+I think the review is +}positive{+.+}')
    expect(run.outputs['comment-url']).toMatch(
      /^https:\/\/github\.com\/Codertocat\/Hello-World\/pull\/2#issuecomment-\d+$/
    )
    expect(run.summary).toContain(PROMPT)
    expect(run.annotations.filter(a => a.level === 'error')).toHaveLength(1)
    expect(run.annotations.find(a => a.level === 'error')?.message).toContain('promptgate:accept')
    // 3 cases x 2 sides, each a distinct rendering.
    expect(w.model.requests).toHaveLength(6)
    expect(w.model.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`)
    // The only place the token may appear is the runner's own mask command.
    const logs = `${run.stdout}${run.stderr}`.replace(/^::add-mask::.*$/gm, '')
    expect(`${logs}${body}${run.summary}`).not.toContain(TOKEN)
  })

  it('updates the same comment on a re-run instead of adding a second one', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    await w.run()
    const first = w.stickyComments()[0]
    const rerun = await w.run({ action: 'synchronize' })

    expect(rerun.outputs.verdict).toBe('regressed')
    const comments = w.stickyComments()
    expect(comments).toHaveLength(1)
    expect(comments[0]?.id).toBe(first?.id)
    expect(w.github.requests.filter(r => r.method === 'PATCH')).not.toHaveLength(0)
  })

  it('passes with the override label, says so, and fails again once the label is removed', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY }, { labels: ['promptgate:accept'] })
    const labeled = pullRequestPayload('labeled', w.repo.baseSha, w.repo.headSha)
    labeled.label = { name: 'promptgate:accept' }
    const accepted = await w.run({ payload: labeled })

    expect(accepted.exitCode).toBe(0)
    expect(accepted.outputs.verdict).toBe('overridden')
    const body = w.stickyComments()[0]?.body ?? ''
    expect(body).toContain('[!NOTE]')
    expect(body).toContain('promptgate:accept')

    w.github.state.labels = []
    const removed = await w.run({ action: 'unlabeled' })
    expect(removed.exitCode).toBe(1)
    expect(removed.outputs.verdict).toBe('regressed')
    expect(w.stickyComments()).toHaveLength(1)
  })

  it('passes an improvement', async () => {
    const w = await world({ [PROMPT]: CHATTY }, { [PROMPT]: ONE_WORD })
    const run = await w.run()
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toBe('pass')
    expect(w.stickyComments()[0]?.body).toMatch(/improved/i)
  })

  it('skips a pull request that changes no prompt, with no model call and no comment', async () => {
    const w = await world({ [PROMPT]: ONE_WORD, 'README.md': 'a' }, { [PROMPT]: ONE_WORD, 'README.md': 'b' })
    const run = await w.run()
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verdict).toBe('skipped')
    expect(w.model.requests).toHaveLength(0)
    expect(w.stickyComments()).toHaveLength(0)
  })

  it('fails a broken prompt file with one error that names the file and line, and no model call', async () => {
    const broken = ONE_WORD.replace("content: 'Review: {{review}}'", 'content: [a, b]')
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: broken })
    const run = await w.run()

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    const errors = run.annotations.filter(a => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.properties).toContain(`file=${PROMPT}`)
    expect(errors[0]?.properties).toContain('line=9')
    expect(errors[0]?.message).toContain('"messages[1].content" must be text, not a list')
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
    expect(w.model.requests).toHaveLength(0)
    expect(w.stickyComments()[0]?.body).toContain('must be text, not a list')
  })

  it('runs a file with a misspelled key and a placeholder without a value, warning about each in the log and the comment', async () => {
    const lenient = ONE_WORD.replace('modelParameters:', 'modelParamters:').replace(
      '  - review: It is a box',
      '  - reviw: It is a box'
    )
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: lenient })
    const run = await w.run()

    const warnings = run.annotations.filter(a => a.level === 'warning')
    const unknownKey = warnings.find(a =>
      a.message.includes('"modelParamters" is not a key gh models eval reads')
    )
    expect(unknownKey?.message).toContain('did you mean "modelParameters"?')
    expect(unknownKey?.properties).toContain(`file=${PROMPT}`)
    expect(unknownKey?.properties).toContain('line=3')
    const placeholder = warnings.find(a => a.message.includes('testData row 3 gives no value for {{review}}'))
    expect(placeholder?.properties).toContain('line=15')
    // The row still runs, with the placeholder sent as written.
    expect(w.model.requests.some(r => JSON.stringify(r.body).includes('Review: {{review}}'))).toBe(true)
    const body = w.stickyComments()[0]?.body ?? ''
    expect(body).toContain('Warnings')
    expect(body).toContain('modelParamters')
    expect(body).toContain(`${PROMPT}:15`)
    expect(run.outputs.verdict).not.toBe('error')
  })

  it('lists a prompt file with no model and no test data as nothing to evaluate, with no model call', async () => {
    const draft = 'name: Draft\nmessages:\n  - role: user\n    content: hello\n'
    const w = await world({ 'README.md': 'x' }, { 'README.md': 'x', 'prompts/draft.prompt.yml': draft })
    const run = await w.run()

    expect(run.exitCode).toBe(0)
    expect(w.model.requests).toHaveLength(0)
    expect(w.stickyComments()[0]?.body ?? run.summary).toContain('nothing to evaluate')
  })

  it('still reports and gates with a read-only token (a fork pull request)', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY }, { readOnly: true })
    const run = await w.run()

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(w.github.state.comments).toHaveLength(0)
    expect(run.annotations.some(a => a.level === 'warning' && /read-only|fork/i.test(a.message))).toBe(true)
    expect(run.summary).toContain(PROMPT)
  })

  it('serves an identical re-run from the result cache, with no model call', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY }, { actionsCache: true })
    const first = await w.run()
    expect(w.model.requests).toHaveLength(6)
    const rerun = await w.run({ action: 'synchronize' })

    expect(rerun.outputs.verdict).toBe(first.outputs.verdict)
    expect(w.model.requests).toHaveLength(6)
    const report = JSON.parse(readFileSync(rerun.outputs['report-path'] ?? '', 'utf8')) as {
      prompts: { cases: { base?: { cached?: boolean }; head?: { cached?: boolean } }[] }[]
    }
    const sides = report.prompts.flatMap(prompt => prompt.cases.flatMap(c => [c.base, c.head]))
    expect(sides).toHaveLength(6)
    expect(sides.every(side => side?.cached === true)).toBe(true)
  }, 30_000)

  it('makes every call again without a cache service, and says so without failing', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    await w.run()
    const rerun = await w.run({ action: 'synchronize' })
    expect(rerun.outputs.verdict).toBe('regressed')
    expect(w.model.requests).toHaveLength(12)
    expect(rerun.annotations.some(a => a.level === 'notice' && /cache service/i.test(a.message))).toBe(true)
  }, 30_000)

  it('makes every call again when the cache input is off', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    await w.run({ inputs: { cache: 'false' } })
    await w.run({ inputs: { cache: 'false' } })
    expect(w.model.requests).toHaveLength(12)
  })

  it('fills the cache from a push to the default branch, so a pull request pays only for its head', async () => {
    const w = await world(
      { [PROMPT]: ONE_WORD, 'README.md': 'x' },
      { [PROMPT]: CHATTY, 'README.md': 'x' },
      { actionsCache: true }
    )
    const push = eventPayload('push') as {
      ref: string
      after: string
      repository: { default_branch: string }
    }
    push.ref = `refs/heads/${push.repository.default_branch}`
    push.after = w.repo.baseSha
    const warm = await w.run({ eventName: 'push', payload: push })

    expect(warm.exitCode).toBe(0)
    expect(warm.outputs.verdict).toBe('pass')
    expect(w.model.requests).toHaveLength(3)
    expect(w.github.state.comments).toHaveLength(0)
    expect(warm.summary).toContain(PROMPT)

    const pr = await w.run()
    expect(pr.outputs.verdict).toBe('regressed')
    // The base side comes from the cache: only the 3 head calls are new.
    expect(w.model.requests).toHaveLength(6)
    expect(w.model.requests.slice(3).every(r => !/one word/i.test(JSON.stringify(r.messages)))).toBe(true)
  }, 30_000)

  it('reads both versions from the local git history when the checkout has both commits', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    const run = await w.run()
    expect(run.outputs.verdict).toBe('regressed')
    expect(run.stdout).toContain('reading both versions from the local git history')
    expect(w.github.requests.filter(r => r.path.includes('/contents/'))).toHaveLength(0)
    expect(w.github.requests.filter(r => r.path.endsWith('/pulls/2/files'))).toHaveLength(1)
  })

  it('reads both versions through the API when there is no checkout', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    const empty = mkdtempSync(join(tmpdir(), 'promptgate-no-checkout-'))
    try {
      const run = await w.run({ env: { GITHUB_WORKSPACE: empty } })
      expect(run.outputs.verdict).toBe('regressed')
      expect(run.stdout).not.toContain('local git history')
      const reads = w.github.requests.filter(r => r.path.includes('/contents/'))
      expect(new Set(reads.map(r => r.query.ref))).toEqual(new Set([w.repo.baseSha, w.repo.headSha]))
      expect(reads.some(r => r.path.endsWith(PROMPT))).toBe(true)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('rejects an unsupported event with one error naming the supported ones', async () => {
    const w = await world({ [PROMPT]: ONE_WORD }, { [PROMPT]: CHATTY })
    const run = await w.run({ eventName: 'push', payload: eventPayload('push') })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    const errors = run.annotations.filter(a => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(/pull_request/)
    expect(errors[0]?.message).toMatch(/push/)
    expect(w.model.requests).toHaveLength(0)
  })
})
