import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { readDefaultBranchPush, readPullRequestEvent } from '../../../src/github/event.js'
import { webhookExample } from './fixtures.js'

function thrown(run: () => unknown): UserError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected a UserError')
}

describe('readPullRequestEvent', () => {
  it('reads the pull request from a real "opened" payload', () => {
    expect(readPullRequestEvent('pull_request', webhookExample('pull_request', 'opened'))).toEqual({
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 2,
      baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      headArrivedAt: '2019-05-15T15:20:33Z',
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      baseRef: 'master',
      headRef: 'changes',
      isFork: false,
      labels: [],
      action: 'opened'
    })
  })

  it('takes the head SHA, never the merge commit', () => {
    const payload = webhookExample('pull_request', 'labeled')
    const pr = readPullRequestEvent('pull_request', payload)
    const merge = (payload.pull_request as { merge_commit_sha: string }).merge_commit_sha
    expect(merge).toBe('c4295bd74fb0f4fda03689c3df3f2803b658fd85')
    expect(pr.headSha).toBe('ec26c3e57ca3a959ca5aad62de7213c562f8c821')
    expect(pr.baseSha).toBe('f95f852bd8fca8fcc58a9a2d6c842781e32a215e')
  })

  it('reads the labels of a "labeled" payload', () => {
    const pr = readPullRequestEvent('pull_request', webhookExample('pull_request', 'labeled'))
    expect(pr).toMatchObject({ action: 'labeled', labels: ['bug'] })
  })

  it.each(['synchronize', 'reopened', 'unlabeled', 'ready_for_review'])(
    'accepts a real "%s" payload',
    action => {
      expect(readPullRequestEvent('pull_request', webhookExample('pull_request', action)).action).toBe(action)
    }
  )

  it('accepts pull_request_target, whose payload has the same shape', () => {
    const pr = readPullRequestEvent('pull_request_target', webhookExample('pull_request', 'synchronize'))
    expect(pr).toMatchObject({ number: 2, action: 'synchronize' })
  })

  it('accepts "edited", which fires when the base branch changes', () => {
    const payload = { ...webhookExample('pull_request', 'opened'), action: 'edited' }
    expect(readPullRequestEvent('pull_request', payload).action).toBe('edited')
  })

  it('rejects another event with one sentence that says what to change', () => {
    const error = thrown(() => readPullRequestEvent('issues', webhookExample('issues')))
    expect(error.message).toBe(
      'promptgate runs on pull_request and pull_request_target events (opened, synchronize, reopened, labeled, unlabeled), ' +
        'and on push to the default branch to fill the result cache; this run was triggered by "issues". ' +
        'Add "on: pull_request" to the workflow.'
    )
  })

  it('rejects an action with nothing to evaluate, naming it', () => {
    const error = thrown(() => readPullRequestEvent('pull_request', webhookExample('pull_request', 'closed')))
    expect(error.message).toContain('action "closed"')
    expect(error.message).toContain('types:')
  })

  it('sees a fork when the head repository differs from the base', () => {
    const payload = webhookExample('pull_request', 'opened')
    const head = (payload.pull_request as { head: { repo: { full_name: string } } }).head
    head.repo.full_name = 'forker/Hello-World'
    expect(readPullRequestEvent('pull_request', payload).isFork).toBe(true)
  })

  it('sees a fork when the head repository was deleted', () => {
    const payload = webhookExample('pull_request', 'opened')
    ;(payload.pull_request as { head: { repo: unknown } }).head.repo = null
    expect(readPullRequestEvent('pull_request', payload).isFork).toBe(true)
  })

  it('names GITHUB_EVENT_PATH and the missing field', () => {
    const payload = webhookExample('pull_request', 'opened')
    delete (payload.pull_request as { head: { sha?: string } }).head.sha
    const error = thrown(() => readPullRequestEvent('pull_request', payload))
    expect(error.message).toContain('GITHUB_EVENT_PATH')
    expect(error.message).toContain('"pull_request.head.sha"')
  })

  it('names the field when the payload is not an object at all', () => {
    const error = thrown(() => readPullRequestEvent('pull_request', undefined))
    expect(error.message).toContain('GITHUB_EVENT_PATH')
    expect(error.message).toContain('"action"')
  })

  it('rejects a pull request number that is not an integer', () => {
    const payload = webhookExample('pull_request', 'opened')
    ;(payload.pull_request as { number: unknown }).number = '2'
    expect(thrown(() => readPullRequestEvent('pull_request', payload)).message).toContain(
      '"pull_request.number"'
    )
  })
})

describe('readDefaultBranchPush', () => {
  const push = (ref: string, extra: Record<string, unknown> = {}) => {
    const payload = structuredClone(webhookExample('push')) as Record<string, unknown> & {
      after: string
      repository: { default_branch: string }
    }
    return { ...payload, ref, ...extra }
  }

  it('reads a push to the default branch: the repository, the pushed commit and who pushed it', () => {
    const payload = push('refs/heads/master')
    // The example creates the branch: its `before` is all zeros, so there is no commit before it.
    expect(readDefaultBranchPush(payload)).toEqual({
      owner: 'Codertocat',
      repo: 'Hello-World',
      sha: payload.after,
      pusher: 'Codertocat',
      branch: 'master'
    })
  })

  it('reads the commit before the push when there is one', () => {
    const before = 'a'.repeat(40)
    expect(readDefaultBranchPush(push('refs/heads/master', { before }))).toMatchObject({ before })
  })

  it.each(['refs/heads/feature', 'refs/tags/simple-tag'])(
    'refuses a push to %s, naming the branch to limit it to',
    ref => {
      expect(() => readDefaultBranchPush(push(ref))).toThrow(UserError)
      expect(() => readDefaultBranchPush(push(ref))).toThrow(`this push was to "${ref}"`)
      expect(() => readDefaultBranchPush(push(ref))).toThrow('"branches: [master]"')
    }
  )

  it('refuses the deletion of the default branch', () => {
    expect(() => readDefaultBranchPush(push('refs/heads/master', { deleted: true }))).toThrow(UserError)
  })
})
