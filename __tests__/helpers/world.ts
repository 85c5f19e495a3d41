/**
 * The "world" an e2e test runs the bundled action in: a real two-commit git repository, the fake
 * GitHub API serving pull request #2 of Codertocat/Hello-World with that repository's changed files and
 * contents, and a fake OpenAI-compatible model server.
 *
 * ```ts
 * afterEach(closeWorlds)
 *
 * const w = await startWorld({ [PROMPT]: before }, { [PROMPT]: after }, { token: TOKEN, respond })
 * const run = await w.run() // a pull_request.opened event for the two commits
 * expect(w.stickyComments()).toHaveLength(1)
 * ```
 *
 * Every run of a world shares one RUNNER_TEMP (`w.runnerTemp`). With `actionsCache`, the runs also get a
 * fake Actions cache service (`w.actionsCache`) with the cache scopes GitHub gives their event, and a run
 * id of their own.
 *
 * Every world registers its cleanup (model, GitHub, then the repository) as it starts; `closeWorlds`
 * runs it, most recent first, for every world of the test file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  actionsCacheEnv,
  scopesFor,
  startFakeActionsCache,
  type CacheScope,
  type FakeActionsCache
} from './fake-actions-cache.js'
import {
  startFakeGitHub,
  type FakeComment,
  type FakeCommentSeed,
  type FakeDelay,
  type FakeFault,
  type FakeGitHub,
  type FakeLabelEvent,
  type FakeRole,
  type FakeUser
} from './fake-github.js'
import { startFakeOpenAI, type FakeOpenAI, type FakeResponder } from './fake-openai.js'
import { createTwoCommitRepo, type Tree, type TwoCommitRepo } from './git-repo.js'
import { pullRequestPayload } from './payloads.js'
import { runAction, type ActionRun } from './run-action.js'

/** The hidden marker that identifies the action's sticky pull request comment. */
export const STICKY_MARKER = '<!-- promptgate:sticky-comment -->'

export interface WorldOptions {
  /** The only token the fake GitHub accepts; the action gets it as its `github-token`. */
  token: string
  /** How the fake model answers; by default it echoes the last user message. */
  respond?: FakeResponder
  /** The pull request's labels. Default none. */
  labels?: string[]
  /** GitHub answers writes with 403, as for a fork's token. */
  readOnly?: boolean
  /** Who added and removed the labels, and when (default: each label added by the maintainer). */
  labelEvents?: FakeLabelEvent[]
  /** Repository roles by login (see the fake GitHub's `permissions`). */
  permissions?: Record<string, FakeRole>
  /** The pull request's number. Default 2. */
  number?: number
  /**
   * An Actions cache service for the runs: `true` starts a fake of its own; pass one to share it between
   * worlds (two pull requests of one repository). Without it the runner has no cache service.
   */
  actionsCache?: boolean | FakeActionsCache
  /** Comments already on the pull request. */
  comments?: FakeCommentSeed[]
  /** Unset: the token is the workflow's GITHUB_TOKEN; set: a PAT of this user. */
  tokenUser?: FakeUser
  /** Responses GitHub gives instead of the real ones (see FakeFault). */
  faults?: FakeFault[]
  /** The longest comment body GitHub accepts; default 65,536 characters. */
  commentBodyLimit?: number
  /** Requests GitHub holds before answering (see FakeDelay). */
  delays?: FakeDelay[]
  /** The fake GitHub's Git Database routes (refs, commits, trees, blobs) work on the world's repository. */
  gitDatabase?: boolean
}

export interface WorldRunOptions {
  /** The pull_request action of the default payload. Default `opened`. */
  action?: string
  /** Default `pull_request`. */
  eventName?: string
  /** Default: the real `pull_request.<action>` payload, pointed at the two commits. */
  payload?: unknown
  /** Action inputs by name (`check-name`, not `INPUT_CHECK-NAME`); the rest keep action.yml's defaults. */
  inputs?: Record<string, string>
  /** Extra environment variables for the action's process. */
  env?: Record<string, string>
  /** The `models-endpoint` input. Default: the fake model's URL. */
  modelsEndpoint?: string
  /** The cache scopes of the run's token. Default: the ones GitHub gives the event (see `scopesFor`). */
  cacheScopes?: CacheScope[]
}

export interface World {
  repo: TwoCommitRepo
  github: FakeGitHub
  model: FakeOpenAI
  /** The fake Actions cache service, when the world has one. */
  actionsCache?: FakeActionsCache
  /** RUNNER_TEMP of every run: one directory for the world, as a self-hosted runner keeps it. */
  runnerTemp: string
  /** Spawns `dist/index.js` against this world, as a runner would. */
  run(options?: WorldRunOptions): Promise<ActionRun>
  /** The comments on the pull request that carry the sticky marker, oldest first. */
  stickyComments(): FakeComment[]
}

const cleanups: (() => Promise<void> | void)[] = []

/** Starts a world whose pull request goes from the `base` tree to the `head` tree. */
export async function startWorld(base: Tree, head: Tree, options: WorldOptions): Promise<World> {
  const number = options.number ?? 2
  const repo = createTwoCommitRepo(base, head)
  cleanups.push(() => repo.remove())
  const github = await startFakeGitHub({
    owner: 'Codertocat',
    repo: 'Hello-World',
    number,
    files: repo.changedFiles(),
    contents: repo.contents(),
    labels: options.labels ?? [],
    readOnly: options.readOnly ?? false,
    labelEvents: options.labelEvents,
    permissions: options.permissions,
    token: options.token,
    comments: options.comments,
    tokenUser: options.tokenUser,
    faults: options.faults,
    commentBodyLimit: options.commentBodyLimit,
    delays: options.delays,
    ...(options.gitDatabase ? { gitDir: repo.dir } : {}),
    head: { sha: repo.headSha },
    base: { sha: repo.baseSha }
  })
  cleanups.push(() => github.close())
  const model = await startFakeOpenAI({ respond: options.respond })
  cleanups.push(() => model.close())
  const runnerTemp = mkdtempSync(join(tmpdir(), 'promptgate-runner-temp-'))
  cleanups.push(() => rmSync(runnerTemp, { recursive: true, force: true }))
  let actionsCache: FakeActionsCache | undefined
  if (options.actionsCache === true) {
    const started = (actionsCache = await startFakeActionsCache())
    cleanups.push(() => started.close())
  } else if (options.actionsCache) {
    actionsCache = options.actionsCache
  }
  let runs = 0
  return {
    repo,
    github,
    model,
    actionsCache,
    runnerTemp,
    run: (run = {}) => {
      const eventName = run.eventName ?? 'pull_request'
      const payload = run.payload ?? pullRequestPayload(run.action ?? 'opened', repo.baseSha, repo.headSha)
      if (!run.payload && number !== 2) {
        const pr = payload as { number: number; pull_request: { number: number } }
        pr.number = pr.pull_request.number = number
      }
      const cacheEnv = actionsCache
        ? {
            ...actionsCacheEnv(actionsCache, run.cacheScopes ?? scopesFor(eventName, payload)),
            // Each run saves under its own key, as each workflow run has its own id.
            GITHUB_RUN_ID: String(4242 + runs++)
          }
        : {}
      return runAction({
        eventName,
        payload,
        workspace: repo.dir,
        githubApiUrl: github.url,
        modelsEndpoint: run.modelsEndpoint ?? model.url,
        token: options.token,
        inputs: run.inputs,
        env: { RUNNER_TEMP: runnerTemp, ...cacheEnv, ...run.env }
      })
    },
    stickyComments: () => github.state.comments.filter(comment => comment.body.includes(STICKY_MARKER))
  }
}

/** Closes every world started so far, most recent first. Use as `afterEach(closeWorlds)`. */
export async function closeWorlds(): Promise<void> {
  while (cleanups.length) await cleanups.pop()?.()
}
