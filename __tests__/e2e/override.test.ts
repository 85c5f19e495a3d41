/**
 * The override label accepts a regression only when a maintainer (write, maintain or admin) added it,
 * after the head commit under test arrived; GitHub's issue events and collaborator-permission APIs say
 * who and when. Everything else leaves the verdict `regressed` and says why.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeLabelEvent, FakeRole } from '../helpers/fake-github.js'
import { pullRequestPayload } from '../helpers/payloads.js'
import { CHATTY, ONE_WORD, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { closeWorlds, startWorld, type World } from '../helpers/world.js'

const TOKEN = 'ghs_e2eOverrideToken0123456789'
const LABEL = 'promptgate:accept'
/** After the example payloads' pull request was opened and last pushed to (2019). */
const LABELED_AT = '2025-03-04T05:06:07Z'

afterEach(closeWorlds)

async function regressingWorld(
  events: FakeLabelEvent[],
  permissions: Record<string, FakeRole>
): Promise<World> {
  return startWorld(
    { [SENTIMENT_PROMPT]: ONE_WORD },
    { [SENTIMENT_PROMPT]: CHATTY },
    { token: TOKEN, respond: sentimentModel, labels: [LABEL], labelEvents: events, permissions }
  )
}

const addedBy = (actor: string, at = LABELED_AT): FakeLabelEvent => ({
  event: 'labeled',
  label: LABEL,
  actor,
  created_at: at
})

/** A `synchronize` run: its payload says when the head arrived. */
function synchronize(w: World, pushedAt: string) {
  const payload = pullRequestPayload('synchronize', w.repo.baseSha, w.repo.headSha)
  payload.pull_request.updated_at = pushedAt
  return w.run({ payload, inputs: { 'report-path': 'report.json' } })
}

function report(w: World): Record<string, unknown> {
  return JSON.parse(readFileSync(join(w.repo.dir, 'report.json'), 'utf8')) as Record<string, unknown>
}

function comment(w: World): string {
  expect(w.stickyComments()).toHaveLength(1)
  return w.stickyComments()[0]?.body ?? ''
}

describe('the override label', () => {
  it.each<[FakeRole]>([['write'], ['maintain'], ['admin']])(
    'counts when a user with %s permission added it after the push',
    async role => {
      const w = await regressingWorld([addedBy('lead-dev')], { 'lead-dev': role })
      const run = await synchronize(w, '2025-03-04T05:00:00Z')

      expect(run.exitCode).toBe(0)
      expect(run.outputs.verdict).toBe('overridden')
      const body = comment(w)
      expect(body).toContain('[!NOTE]')
      expect(body).toContain(`added by \`lead-dev\` at ${LABELED_AT}`)
      expect(report(w)).toMatchObject({
        verdict: 'overridden',
        override: { label: LABEL, actor: 'lead-dev', at: LABELED_AT }
      })
      const permission = w.github.requests.find(r => r.route?.includes('/permission'))
      expect(permission?.path).toBe('/repos/Codertocat/Hello-World/collaborators/lead-dev/permission')
    }
  )

  it.each<[FakeRole]>([['triage'], ['read']])('does not count when a %s user added it', async role => {
    const w = await regressingWorld([addedBy('helper')], { helper: role })
    const run = await synchronize(w, '2025-03-04T05:00:00Z')

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    const body = comment(w)
    expect(body).toContain('[!CAUTION]')
    expect(body).toContain(`who has ${role} permission`)
    expect(body).not.toContain('@helper')
    expect(report(w)).toMatchObject({
      verdict: 'regressed',
      overrideRefused: { label: LABEL, actor: 'helper' }
    })
    expect(run.annotations.find(a => a.level === 'error')?.message).toContain(`who has ${role} permission`)
  })

  it('counts the latest time it was added: a maintainer re-adding it after a triage user', async () => {
    const w = await regressingWorld(
      [
        addedBy('helper', '2025-03-04T05:01:00Z'),
        { event: 'unlabeled', label: LABEL, actor: 'lead-dev', created_at: '2025-03-04T05:02:00Z' },
        addedBy('lead-dev')
      ],
      { helper: 'triage', 'lead-dev': 'write' }
    )
    const run = await synchronize(w, '2025-03-04T05:00:00Z')
    expect(run.outputs.verdict).toBe('overridden')
  })

  it('does not accept a commit pushed after it was added, and says how to re-accept', async () => {
    const w = await regressingWorld([addedBy('lead-dev')], { 'lead-dev': 'admin' })
    const run = await synchronize(w, '2025-03-04T06:00:00Z')

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    const body = comment(w)
    expect(body).toContain(
      `before the head commit ${w.repo.headSha.slice(0, 7)} arrived at 2025-03-04T06:00:00Z`
    )
    expect(body).toContain('remove the label and add it again')
  })

  it('counts on the labeled event that added it, for the head it was added to', async () => {
    const w = await regressingWorld([addedBy('lead-dev')], { 'lead-dev': 'write' })
    const payload = pullRequestPayload('labeled', w.repo.baseSha, w.repo.headSha)
    payload.label = { name: LABEL }
    const run = await w.run({ payload })
    expect(run.outputs.verdict).toBe('overridden')
  })

  it('does not count on an event that does not say when the head arrived', async () => {
    const w = await regressingWorld([addedBy('lead-dev')], { 'lead-dev': 'write' })
    const run = await w.run({ action: 'reopened' })
    expect(run.outputs.verdict).toBe('regressed')
    expect(comment(w)).toContain('a "reopened" event does not say when the head commit')
  })

  it('fails closed when the permission lookup fails', async () => {
    const w = await regressingWorld([addedBy('lead-dev')], { 'lead-dev': 'admin' })
    w.github.state.faults.push({
      path: /\/permission$/,
      status: 403,
      message: 'Resource not accessible by integration',
      times: 100
    })
    const run = await synchronize(w, '2025-03-04T05:00:00Z')

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(comment(w)).toContain(
      'could not check the label (GitHub answered 403: Resource not accessible by integration'
    )
  })
})
