/**
 * A stateful fake of the slice of GitHub's REST API promptgate uses, on a loopback port.
 * It answers what GitHub answers: status codes, response shapes with every required field of
 * GitHub's OpenAPI description (checked by __tests__/unit/github/fake-github-contract.test.ts),
 * `Link` pagination, the raw media type, and GitHub's error bodies.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDeployments, type FakeDeployment } from './fake-deployments.js'
import { createGitDatabase } from './fake-git-database.js'

export type { FakeDeployment, FakeDeploymentStatus } from './fake-deployments.js'

export type FakeDiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'

const diffStatuses: readonly string[] = [
  'added',
  'removed',
  'modified',
  'renamed',
  'copied',
  'changed',
  'unchanged'
]

/** An entry of `pulls.listFiles`; `status` is one of GitHub's diff statuses. */
export interface FakeFile {
  filename: string
  status: FakeDiffStatus | string
  previous_filename?: string
}

export interface FakeUser {
  login: string
  type: 'Bot' | 'User' | 'Organization'
}

export interface FakeCommentSeed {
  id?: number
  body: string
  user?: FakeUser
  created_at?: string
  updated_at?: string
}

/** A comment as the fake stores it; tests read and change these directly. */
export interface FakeComment {
  id: number
  body: string
  user: FakeUser
  created_at: string
  updated_at: string
}

/** A `labeled` or `unlabeled` entry of the issue events API. */
export interface FakeLabelEvent {
  event: 'labeled' | 'unlabeled'
  label: string
  /** Login of the user who added or removed the label. */
  actor: string
  created_at: string
}

/** A repository role, as the collaborator-permission API names it in `role_name`. */
export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read'

/** The user the fake's default label events name; an admin of the repository. */
export const fakeMaintainer = 'octocat'

export type FakeAnnotationLevel = 'notice' | 'warning' | 'failure'

export interface FakeAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: FakeAnnotationLevel
  message: string
  title?: string
  start_column?: number
  end_column?: number
  raw_details?: string
}

/** A check run as the fake stores it; `annotations` accumulates over the create and every update. */
export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  details_url: string | null
  external_id: string | null
  started_at: string
  completed_at: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: FakeAnnotation[]
}

/** A response to give instead of the real one, `times` times (default once), e.g. a 500 or a rate limit. */
export interface FakeFault {
  method?: string
  /** Matches the request's decoded path without its query: equal to a string, or tested by a RegExp. */
  path?: string | RegExp
  status: number
  message?: string
  headers?: Record<string, string>
  times?: number
  /** Let the request take effect first, then answer with the fault: GitHub's 502 after a write landed. */
  afterEffect?: boolean
}

/** Hold matching requests this long before handling them, e.g. to make two clients' requests overlap. */
export interface FakeDelay {
  method?: string
  path?: string | RegExp
  ms: number
}

export interface FakeGitHubOptions {
  owner: string
  repo: string
  number: number
  files: FakeFile[]
  /** File contents by ref (a SHA or a branch name), then path. Bytes are served as binary. */
  contents: Record<string, Record<string, string | Uint8Array>>
  labels: string[]
  /**
   * The issue events of the pull request's labels, oldest first. Default: each of `labels` added by
   * `fakeMaintainer`, after the head commit arrived.
   */
  labelEvents?: FakeLabelEvent[]
  /** Roles by login; `fakeMaintainer` is an admin unless set here, everyone else has `read`. */
  permissions?: Record<string, FakeRole>
  comments?: FakeCommentSeed[]
  /** Writes answer 403 "Resource not accessible by integration", as for a fork's token. */
  readOnly?: boolean
  /** When set, requests without `token <it>` or `Bearer <it>` answer 401. */
  token?: string
  /**
   * Who the token is. Unset: an installation token (the workflow's GITHUB_TOKEN), which writes as
   * github-actions[bot] and gets 403 from `GET /user`. Set: a user token (a PAT) of this user.
   */
  tokenUser?: FakeUser
  /** The longest comment body accepted; default GitHub's 65,536 characters. */
  commentBodyLimit?: number
  base?: { ref?: string; sha?: string }
  head?: { ref?: string; sha?: string; /** owner/name of a fork */ repo?: string }
  faults?: FakeFault[]
  /** Workflow-run artifacts, for `mode: publish`. */
  artifacts?: FakeArtifactSeed[]
  workflowRuns?: FakeWorkflowRun[]
  delays?: FakeDelay[]
  /**
   * A real git repository (bare, or a work tree such as the world's) that the Git Database routes
   * (refs, commits, trees, blobs) read and write with git plumbing. Without it they answer 500.
   */
  gitDir?: string
  /** A recursive tree listing longer than this is cut and marked `truncated`; default GitHub's 100,000. */
  treeEntryLimit?: number
}

/** An artifact of a workflow run: a zip the fake serves from its storage URL after a 302. */
export interface FakeArtifactSeed {
  runId: number
  name: string
  zip: Uint8Array
  /** The size the listing reports; default the zip's length. */
  sizeInBytes?: number
  expired?: boolean
  /** The run's head commit, as the listing's `workflow_run.head_sha`. Default the PR's head. */
  headSha?: string
}

export interface FakeArtifact extends FakeArtifactSeed {
  id: number
}

/** A run of a workflow, as `GET .../actions/workflows/{workflow_id}/runs` lists it. */
export interface FakeWorkflowRun {
  id: number
  workflowId: number
  headSha: string
  headBranch: string
  /** `owner/name` of the head repository. */
  headRepo: string
  event: string
  createdAt: string
}

/** Where the fake's artifact downloads redirect to, outside the API and its token. */
export const fakeArtifactStoragePrefix = '/_artifact-storage/'

export interface FakeGitHubState {
  owner: string
  repo: string
  number: number
  files: FakeFile[]
  contents: Record<string, Record<string, string | Uint8Array>>
  labels: string[]
  labelEvents: FakeLabelEvent[]
  permissions: Record<string, FakeRole>
  comments: FakeComment[]
  checkRuns: FakeCheckRun[]
  readOnly: boolean
  token?: string
  tokenUser?: FakeUser
  commentBodyLimit: number
  base: { ref: string; sha: string }
  head: { ref: string; sha: string; repo: string }
  faults: FakeFault[]
  artifacts: FakeArtifact[]
  workflowRuns: FakeWorkflowRun[]
  gitDir?: string
  treeEntryLimit: number
  /** Deployments created through the API, each with its statuses, oldest first. */
  deployments: FakeDeployment[]
}

export interface RecordedRequest {
  method: string
  /** The path without the query, percent-decoded. */
  path: string
  query: Record<string, string>
  body: unknown
  /** Lower-cased names. */
  headers: Record<string, string>
  /** The matched route, as `METHOD /openapi/{template}`; undefined when no route matched. */
  route?: string
  status: number
}

export interface FakeGitHub {
  url: string
  state: FakeGitHubState
  requests: RecordedRequest[]
  /** Requests no route answered; a correct client makes none. */
  unhandled(): RecordedRequest[]
  close(): Promise<void>
}

/** Every route the fake serves, by OpenAPI path template. */
export const fakeGitHubRoutes = [
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}/files' },
  { method: 'GET', path: '/repos/{owner}/{repo}/contents/{path}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/trees/{tree_sha}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments' },
  { method: 'POST', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}' },
  { method: 'DELETE', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}' },
  { method: 'GET', path: '/user' },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}/labels' },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}/events' },
  { method: 'GET', path: '/repos/{owner}/{repo}/collaborators/{username}/permission' },
  { method: 'POST', path: '/repos/{owner}/{repo}/check-runs' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls' },
  { method: 'GET', path: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/ref/{ref}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/commits/{commit_sha}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/blobs/{file_sha}' },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/blobs' },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/trees' },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/commits' },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/refs' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/git/refs/{ref}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/deployments' },
  { method: 'POST', path: '/repos/{owner}/{repo}/deployments' },
  { method: 'POST', path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses' }
] as const

/** GitHub lists at most this many files of a pull request. */
export const fakeFileListLimit = 3000
/** The longest comment body GitHub accepts. */
export const fakeCommentBodyLimit = 65536
/** The most annotations one check-run create or update may carry. */
export const fakeAnnotationsPerRequest = 50
/** The longest check-run `output.summary` or `output.text`. */
export const fakeCheckOutputLimit = 65535

const docs = 'https://docs.github.com/rest'
const webUrl = 'https://github.com'
const repositoryId = 1296269
const epoch = Date.parse('2025-01-01T00:00:00Z')
const actionsBot: FakeUser = { login: 'github-actions[bot]', type: 'Bot' }
const actionsAppId = 15368
const annotationLevels: readonly string[] = ['notice', 'warning', 'failure']
const checkStatuses: readonly string[] = ['queued', 'in_progress', 'completed']
const checkConclusions: readonly string[] = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'timed_out'
]

interface Reply {
  status: number
  json?: unknown
  raw?: string | Uint8Array
  headers?: Record<string, string>
}

interface Context {
  params: Record<string, string>
  query: Record<string, string>
  body: unknown
  headers: Record<string, string>
  requestUrl: URL
}

function error(
  status: number,
  message: string,
  documentation = docs,
  extra: Record<string, unknown> = {}
): Reply {
  return { status, json: { message, ...extra, documentation_url: documentation, status: String(status) } }
}

const notFound = (documentation = docs): Reply => error(404, 'Not Found', documentation)

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  for (const file of options.files) {
    if (!diffStatuses.includes(file.status))
      throw new Error(`fake GitHub: "${file.status}" is not a diff status`)
  }
  let clock = 0
  const tick = (): string => new Date(epoch + 1000 * clock++).toISOString().replace('.000Z', 'Z')
  const seeds = options.comments ?? []
  let nextCommentId = Math.max(1_000_000_000, ...seeds.map(seed => seed.id ?? 0)) + 1
  let nextCheckRunId = 30_000_000_000

  const state: FakeGitHubState = {
    owner: options.owner,
    repo: options.repo,
    number: options.number,
    files: options.files,
    contents: options.contents,
    labels: options.labels,
    labelEvents:
      options.labelEvents ??
      options.labels.map(label => ({ event: 'labeled', label, actor: fakeMaintainer, created_at: tick() })),
    permissions: { [fakeMaintainer]: 'admin', ...options.permissions },
    comments: seeds.map(seed => {
      const created = seed.created_at ?? tick()
      return {
        id: seed.id ?? nextCommentId++,
        body: seed.body,
        user: seed.user ?? actionsBot,
        created_at: created,
        updated_at: seed.updated_at ?? created
      }
    }),
    checkRuns: [],
    readOnly: options.readOnly ?? false,
    token: options.token,
    tokenUser: options.tokenUser,
    commentBodyLimit: options.commentBodyLimit ?? fakeCommentBodyLimit,
    base: { ref: options.base?.ref ?? 'main', sha: options.base?.sha ?? 'b'.repeat(40) },
    head: {
      ref: options.head?.ref ?? 'feature',
      sha: options.head?.sha ?? 'c'.repeat(40),
      repo: options.head?.repo ?? `${options.owner}/${options.repo}`
    },
    faults: options.faults ?? [],
    artifacts: (options.artifacts ?? []).map((seed, index) => ({ ...seed, id: 5_000_000_000 + index })),
    workflowRuns: options.workflowRuns ?? [],
    gitDir: options.gitDir,
    treeEntryLimit: options.treeEntryLimit ?? 100_000,
    deployments: []
  }
  const requests: RecordedRequest[] = []
  let apiUrl = ''

  const build = {
    user(user: FakeUser) {
      const id = user.login === actionsBot.login ? 41898282 : numericId(user.login)
      const api = `${apiUrl}/users/${encodeURIComponent(user.login)}`
      return {
        login: user.login,
        id,
        node_id: user.type === 'Bot' ? `BOT_${id}` : `U_${id}`,
        avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
        gravatar_id: '',
        url: api,
        html_url:
          user.type === 'Bot'
            ? `${webUrl}/apps/${user.login.replace('[bot]', '')}`
            : `${webUrl}/${user.login}`,
        followers_url: `${api}/followers`,
        following_url: `${api}/following{/other_user}`,
        gists_url: `${api}/gists{/gist_id}`,
        starred_url: `${api}/starred{/owner}{/repo}`,
        subscriptions_url: `${api}/subscriptions`,
        organizations_url: `${api}/orgs`,
        repos_url: `${api}/repos`,
        events_url: `${api}/events{/privacy}`,
        received_events_url: `${api}/received_events`,
        type: user.type,
        user_view_type: 'public',
        site_admin: false
      }
    },

    repository(fullName: string) {
      const [owner = '', name = ''] = fullName.split('/')
      const id = fullName === `${state.owner}/${state.repo}` ? repositoryId : numericId(fullName)
      const api = `${apiUrl}/repos/${fullName}`
      const urls: Record<string, string> = {
        archive_url: '/{archive_format}{/ref}',
        assignees_url: '/assignees{/user}',
        blobs_url: '/git/blobs{/sha}',
        branches_url: '/branches{/branch}',
        collaborators_url: '/collaborators{/collaborator}',
        comments_url: '/comments{/number}',
        commits_url: '/commits{/sha}',
        compare_url: '/compare/{base}...{head}',
        contents_url: '/contents/{+path}',
        contributors_url: '/contributors',
        deployments_url: '/deployments',
        downloads_url: '/downloads',
        events_url: '/events',
        forks_url: '/forks',
        git_commits_url: '/git/commits{/sha}',
        git_refs_url: '/git/refs{/sha}',
        git_tags_url: '/git/tags{/sha}',
        hooks_url: '/hooks',
        issue_comment_url: '/issues/comments{/number}',
        issue_events_url: '/issues/events{/number}',
        issues_url: '/issues{/number}',
        keys_url: '/keys{/key_id}',
        labels_url: '/labels{/name}',
        languages_url: '/languages',
        merges_url: '/merges',
        milestones_url: '/milestones{/number}',
        notifications_url: '/notifications{?since,all,participating}',
        pulls_url: '/pulls{/number}',
        releases_url: '/releases{/id}',
        stargazers_url: '/stargazers',
        statuses_url: '/statuses/{sha}',
        subscribers_url: '/subscribers',
        subscription_url: '/subscription',
        tags_url: '/tags',
        teams_url: '/teams',
        trees_url: '/git/trees{/sha}'
      }
      return {
        id,
        node_id: `R_${id}`,
        name,
        full_name: fullName,
        owner: build.user({ login: owner, type: 'User' }),
        private: false,
        html_url: `${webUrl}/${fullName}`,
        description: null,
        fork: fullName !== `${state.owner}/${state.repo}`,
        url: api,
        ...Object.fromEntries(Object.entries(urls).map(([key, suffix]) => [key, `${api}${suffix}`])),
        git_url: `git://github.com/${fullName}.git`,
        ssh_url: `git@github.com:${fullName}.git`,
        clone_url: `${webUrl}/${fullName}.git`,
        svn_url: `${webUrl}/${fullName}`,
        mirror_url: null,
        homepage: null,
        language: null,
        forks: 0,
        forks_count: 0,
        stargazers_count: 0,
        watchers: 0,
        watchers_count: 0,
        size: 1,
        default_branch: state.base.ref,
        open_issues: 1,
        open_issues_count: 1,
        is_template: false,
        topics: [],
        has_issues: true,
        has_projects: true,
        has_wiki: true,
        has_pages: false,
        has_downloads: true,
        archived: false,
        disabled: false,
        visibility: 'public',
        license: null,
        pushed_at: stamp(0),
        created_at: stamp(0),
        updated_at: stamp(0)
      }
    },

    label(name: string) {
      const id = numericId(`label:${name}`)
      return {
        id,
        node_id: `LA_${id}`,
        url: `${apiUrl}/repos/${state.owner}/${state.repo}/labels/${encodeURIComponent(name)}`,
        name,
        description: null,
        color: 'ededed',
        default: false
      }
    },

    labelEvent(event: FakeLabelEvent, index: number) {
      const id = 7_000_000_000 + index
      return {
        id,
        node_id: `LE_${id}`,
        url: `${apiUrl}/repos/${state.owner}/${state.repo}/issues/events/${id}`,
        actor: build.user({ login: event.actor, type: 'User' }),
        event: event.event,
        commit_id: null,
        commit_url: null,
        created_at: event.created_at,
        performed_via_github_app: null,
        label: { name: event.label, color: 'ededed' }
      }
    },

    permission(login: string, role: FakeRole) {
      // The legacy `permission` field folds maintain into write and triage into read.
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role
      const rank = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(role)
      return {
        permission,
        role_name: role,
        user: {
          ...build.user({ login, type: 'User' }),
          permissions: {
            pull: true,
            triage: rank >= 1,
            push: rank >= 2,
            maintain: rank >= 3,
            admin: rank >= 4
          },
          role_name: role
        }
      }
    },

    comment(comment: FakeComment) {
      const issueApi = `${apiUrl}/repos/${state.owner}/${state.repo}/issues`
      return {
        id: comment.id,
        node_id: `IC_${comment.id}`,
        url: `${issueApi}/comments/${comment.id}`,
        html_url: `${webUrl}/${state.owner}/${state.repo}/pull/${state.number}#issuecomment-${comment.id}`,
        body: comment.body,
        user: build.user(comment.user),
        created_at: comment.created_at,
        updated_at: comment.updated_at,
        issue_url: `${issueApi}/${state.number}`,
        author_association: comment.user.type === 'Bot' ? 'NONE' : 'OWNER',
        performed_via_github_app: null,
        reactions: {
          url: `${issueApi}/comments/${comment.id}/reactions`,
          total_count: 0,
          '+1': 0,
          '-1': 0,
          laugh: 0,
          hooray: 0,
          confused: 0,
          heart: 0,
          rocket: 0,
          eyes: 0
        }
      }
    },

    diffEntry(file: FakeFile) {
      const head = fileAt(state.head.sha, file.filename)
      const base = fileAt(state.base.sha, file.previous_filename ?? file.filename)
      const { additions, deletions } = lineChanges(base, head)
      const path = encodePath(file.filename)
      return {
        sha: head !== undefined ? blobSha(head) : base !== undefined ? blobSha(base) : null,
        filename: file.filename,
        status: file.status,
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${webUrl}/${state.owner}/${state.repo}/blob/${state.head.sha}/${path}`,
        raw_url: `${webUrl}/${state.owner}/${state.repo}/raw/${state.head.sha}/${path}`,
        contents_url: `${apiUrl}/repos/${state.owner}/${state.repo}/contents/${path}?ref=${state.head.sha}`,
        ...(file.previous_filename !== undefined ? { previous_filename: file.previous_filename } : {})
      }
    },

    pullRequest() {
      const repoApi = `${apiUrl}/repos/${state.owner}/${state.repo}`
      const web = `${webUrl}/${state.owner}/${state.repo}/pull/${state.number}`
      const issueApi = `${repoApi}/issues/${state.number}`
      const pullApi = `${repoApi}/pulls/${state.number}`
      const entries = state.files.map(file => build.diffEntry(file))
      const headOwner = state.head.repo.split('/')[0] ?? state.owner
      return {
        url: pullApi,
        id: numericId(`pull:${state.number}`),
        node_id: `PR_${state.number}`,
        html_url: web,
        diff_url: `${web}.diff`,
        patch_url: `${web}.patch`,
        issue_url: issueApi,
        commits_url: `${pullApi}/commits`,
        review_comments_url: `${pullApi}/comments`,
        review_comment_url: `${repoApi}/pulls/comments{/number}`,
        comments_url: `${issueApi}/comments`,
        statuses_url: `${repoApi}/statuses/${state.head.sha}`,
        number: state.number,
        state: 'open',
        locked: false,
        title: 'Update the prompts',
        user: build.user({ login: headOwner, type: 'User' }),
        body: null,
        labels: state.labels.map(name => build.label(name)),
        milestone: null,
        active_lock_reason: null,
        created_at: stamp(0),
        updated_at: stamp(0),
        closed_at: null,
        merged_at: null,
        merge_commit_sha: null,
        assignee: null,
        assignees: [],
        requested_reviewers: [],
        requested_teams: [],
        head: {
          label: `${headOwner}:${state.head.ref}`,
          ref: state.head.ref,
          sha: state.head.sha,
          user: build.user({ login: headOwner, type: 'User' }),
          repo: build.repository(state.head.repo)
        },
        base: {
          label: `${state.owner}:${state.base.ref}`,
          ref: state.base.ref,
          sha: state.base.sha,
          user: build.user({ login: state.owner, type: 'User' }),
          repo: build.repository(`${state.owner}/${state.repo}`)
        },
        _links: {
          self: { href: pullApi },
          html: { href: web },
          issue: { href: issueApi },
          comments: { href: `${issueApi}/comments` },
          review_comments: { href: `${pullApi}/comments` },
          review_comment: { href: `${repoApi}/pulls/comments{/number}` },
          commits: { href: `${pullApi}/commits` },
          statuses: { href: `${repoApi}/statuses/${state.head.sha}` }
        },
        author_association: 'CONTRIBUTOR',
        auto_merge: null,
        draft: false,
        merged: false,
        mergeable: true,
        rebaseable: true,
        mergeable_state: 'clean',
        merged_by: null,
        comments: state.comments.length,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: 1,
        additions: entries.reduce((sum, entry) => sum + entry.additions, 0),
        deletions: entries.reduce((sum, entry) => sum + entry.deletions, 0),
        changed_files: state.files.length
      }
    },

    /** A pull request in a list (`pull-request-simple`), whose labels describe themselves with a string. */
    pullRequestListed() {
      const pull = build.pullRequest()
      return {
        ...pull,
        labels: pull.labels.map(label => ({ ...label, description: label.description ?? '' }))
      }
    },

    /** The GitHub Actions app, which owns the check runs a workflow's GITHUB_TOKEN creates. */
    actionsApp() {
      return {
        id: actionsAppId,
        slug: 'github-actions',
        node_id: 'MDM6QXBwMTUzNjg=',
        client_id: 'Iv1.05c79e9ad1f6bdfa',
        owner: build.user({ login: 'github', type: 'Organization' }),
        name: 'GitHub Actions',
        description: 'Automate your workflow from idea to production',
        external_url: 'https://help.github.com/en/actions',
        html_url: `${webUrl}/apps/github-actions`,
        created_at: '2018-07-30T09:30:17Z',
        updated_at: '2024-04-10T20:33:16Z',
        permissions: {
          actions: 'write',
          checks: 'write',
          contents: 'write',
          metadata: 'read',
          pull_requests: 'write'
        },
        events: ['check_run', 'check_suite', 'pull_request', 'push', 'workflow_dispatch']
      }
    },

    checkRun(run: FakeCheckRun) {
      const repoApi = `${apiUrl}/repos/${state.owner}/${state.repo}`
      const htmlUrl = `${webUrl}/${state.owner}/${state.repo}/runs/${run.id}`
      const repoRef = { id: repositoryId, url: repoApi, name: state.repo }
      return {
        id: run.id,
        name: run.name,
        node_id: `CR_${run.id}`,
        head_sha: run.head_sha,
        external_id: run.external_id ?? '',
        url: `${repoApi}/check-runs/${run.id}`,
        html_url: htmlUrl,
        details_url: run.details_url ?? htmlUrl,
        status: run.status,
        conclusion: run.conclusion,
        started_at: run.started_at,
        completed_at: run.completed_at,
        output: {
          ...run.output,
          annotations_count: run.annotations.length,
          annotations_url: `${repoApi}/check-runs/${run.id}/annotations`
        },
        check_suite: { id: numericId(`suite:${run.head_sha}`) },
        app: build.actionsApp(),
        pull_requests:
          run.head_sha === state.head.sha
            ? [
                {
                  id: numericId(`pull:${state.number}`),
                  number: state.number,
                  url: `${repoApi}/pulls/${state.number}`,
                  head: { ref: state.head.ref, sha: state.head.sha, repo: repoRef },
                  base: { ref: state.base.ref, sha: state.base.sha, repo: repoRef }
                }
              ]
            : []
      }
    },

    artifact(artifact: FakeArtifact) {
      const api = `${apiUrl}/repos/${state.owner}/${state.repo}/actions/artifacts/${artifact.id}`
      return {
        id: artifact.id,
        node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
        name: artifact.name,
        size_in_bytes: artifact.sizeInBytes ?? artifact.zip.byteLength,
        url: api,
        archive_download_url: `${api}/zip`,
        expired: artifact.expired ?? false,
        digest: `sha256:${createHash('sha256').update(artifact.zip).digest('hex')}`,
        created_at: stamp(0),
        updated_at: stamp(0),
        expires_at: stamp(90 * 86_400),
        workflow_run: {
          id: artifact.runId,
          repository_id: repositoryId,
          head_repository_id: numericId(state.head.repo),
          head_branch: state.head.ref,
          head_sha: artifact.headSha ?? state.head.sha
        }
      }
    },

    workflowRun(run: FakeWorkflowRun) {
      const repoApi = `${apiUrl}/repos/${state.owner}/${state.repo}`
      const api = `${repoApi}/actions/runs/${run.id}`
      const author = { name: 'Monalisa Octocat', email: 'mona@github.com' }
      return {
        id: run.id,
        node_id: `WFR_${run.id}`,
        name: 'promptgate evaluate',
        head_branch: run.headBranch,
        head_sha: run.headSha,
        path: '.github/workflows/promptgate-fork-evaluate.yml',
        display_title: 'Update the prompts',
        run_number: run.id % 1000,
        event: run.event,
        status: 'completed',
        conclusion: 'success',
        workflow_id: run.workflowId,
        url: api,
        html_url: `${webUrl}/${state.owner}/${state.repo}/actions/runs/${run.id}`,
        pull_requests: [],
        created_at: run.createdAt,
        updated_at: run.createdAt,
        jobs_url: `${api}/jobs`,
        logs_url: `${api}/logs`,
        check_suite_url: `${repoApi}/check-suites/${numericId(`suite:${run.id}`)}`,
        artifacts_url: `${api}/artifacts`,
        cancel_url: `${api}/cancel`,
        rerun_url: `${api}/rerun`,
        workflow_url: `${repoApi}/actions/workflows/${run.workflowId}`,
        head_commit: {
          id: run.headSha,
          tree_id: createHash('sha1').update(`tree:${run.headSha}`).digest('hex'),
          message: 'Update the prompts',
          timestamp: run.createdAt,
          author,
          committer: author
        },
        repository: build.repository(`${state.owner}/${state.repo}`),
        head_repository: build.repository(run.headRepo)
      }
    },

    contentEntry(ref: string, path: string, type: 'file' | 'dir', bytes?: Uint8Array) {
      const fullPath = encodePath(path)
      const url = `${apiUrl}/repos/${state.owner}/${state.repo}/contents/${fullPath}?ref=${encodeURIComponent(ref)}`
      const sha = bytes ? blobSha(bytes) : createHash('sha1').update(`tree:${ref}:${path}`).digest('hex')
      const gitUrl = `${apiUrl}/repos/${state.owner}/${state.repo}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`
      const htmlUrl = `${webUrl}/${state.owner}/${state.repo}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${fullPath}`
      return {
        type,
        name: path.split('/').pop() ?? path,
        path,
        sha,
        size: bytes?.byteLength ?? 0,
        url,
        html_url: htmlUrl,
        git_url: gitUrl,
        download_url:
          type === 'file'
            ? `https://raw.githubusercontent.com/${state.owner}/${state.repo}/${ref}/${fullPath}`
            : null,
        _links: { self: url, git: gitUrl, html: htmlUrl }
      }
    }
  }

  /** A ref's file map: by exact key, else a branch name standing for the base or head SHA. */
  function treeAt(ref: string): Record<string, string | Uint8Array> | undefined {
    if (ref in state.contents) return state.contents[ref]
    if (ref === state.base.ref) return state.contents[state.base.sha]
    if (ref === state.head.ref) return state.contents[state.head.sha]
    return undefined
  }

  function fileAt(ref: string, path: string): Uint8Array | undefined {
    const value = treeAt(ref)?.[path]
    return value === undefined ? undefined : toBytes(value)
  }

  const isThisRepo = (params: Record<string, string>): boolean =>
    params.owner?.toLowerCase() === state.owner.toLowerCase() &&
    params.repo?.toLowerCase() === state.repo.toLowerCase()

  const isThisPull = (params: Record<string, string>, name: 'pull_number' | 'issue_number'): boolean =>
    isThisRepo(params) && params[name] === String(state.number)

  function forbiddenWrite(documentation: string): Reply | undefined {
    return state.readOnly ? error(403, 'Resource not accessible by integration', documentation) : undefined
  }

  function commentBodyProblem(body: unknown, documentation: string): Reply | undefined {
    const text = (body as { body?: unknown } | null)?.body
    if (typeof text !== 'string')
      return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.', documentation)
    if (text.length > state.commentBodyLimit) {
      return error(422, 'Validation Failed', documentation, {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${state.commentBodyLimit} characters)`
          }
        ]
      })
    }
    return undefined
  }

  const knownCommit = (sha: string): boolean =>
    sha === state.base.sha || sha === state.head.sha || Object.hasOwn(state.contents, sha)

  function invalid(documentation: string, detail: string): Reply {
    return error(422, `Invalid request.\n\n${detail}`, documentation)
  }

  function annotationProblem(annotation: unknown): boolean {
    const value = annotation as Partial<FakeAnnotation> | null
    const line = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1
    return (
      typeof value !== 'object' ||
      value === null ||
      typeof value.path !== 'string' ||
      value.path === '' ||
      !line(value.start_line) ||
      !line(value.end_line) ||
      (value.end_line as number) < (value.start_line as number) ||
      !annotationLevels.includes(String(value.annotation_level)) ||
      typeof value.message !== 'string' ||
      value.message === ''
    )
  }

  /** What GitHub refuses in a create or update body: bad enums, oversized output, more than 50 annotations. */
  function checkRunProblem(
    body: Record<string, unknown>,
    creating: boolean,
    documentation: string
  ): Reply | undefined {
    for (const key of ['name', 'head_sha'] as const) {
      if (creating && (typeof body[key] !== 'string' || body[key] === ''))
        return invalid(documentation, `"${key}" wasn't supplied.`)
    }
    if (body.status !== undefined && !checkStatuses.includes(String(body.status)))
      return invalid(
        documentation,
        `Invalid property /status: \`${String(body.status)}\` is not a possible value.`
      )
    if (body.conclusion !== undefined && !checkConclusions.includes(String(body.conclusion)))
      return invalid(
        documentation,
        `Invalid property /conclusion: \`${String(body.conclusion)}\` is not a possible value.`
      )
    if (body.status === 'completed' && body.conclusion === undefined)
      return invalid(documentation, '"conclusion" wasn\'t supplied.')
    if (body.output === undefined) return undefined
    const output = body.output as Record<string, unknown> | null
    if (typeof output !== 'object' || output === null)
      return invalid(documentation, 'Invalid property /output.')
    for (const key of creating ? ['title', 'summary'] : ['summary']) {
      if (typeof output[key] !== 'string') return invalid(documentation, `"${key}" wasn't supplied.`)
    }
    for (const key of ['summary', 'text']) {
      const text = output[key]
      if (typeof text === 'string' && text.length > fakeCheckOutputLimit)
        return invalid(
          documentation,
          `Invalid property /output/${key}: Only ${fakeCheckOutputLimit} characters are allowed; ${text.length} were supplied.`
        )
    }
    const annotations = output.annotations
    if (annotations === undefined) return undefined
    if (!Array.isArray(annotations)) return invalid(documentation, 'Invalid property /output/annotations.')
    if (annotations.length > fakeAnnotationsPerRequest)
      return invalid(
        documentation,
        `No more than ${fakeAnnotationsPerRequest} items are allowed; ${annotations.length} were supplied.`
      )
    if (annotations.some(annotationProblem)) {
      return error(422, 'Validation Failed', documentation, {
        errors: [{ resource: 'CheckRun', code: 'invalid', field: 'annotations' }]
      })
    }
    return undefined
  }

  /** Applies a valid create or update body; annotations are appended, as GitHub does. */
  function applyCheckRun(run: FakeCheckRun, body: Record<string, unknown>): void {
    if (typeof body.name === 'string') run.name = body.name
    if (typeof body.details_url === 'string') run.details_url = body.details_url
    if (typeof body.external_id === 'string') run.external_id = body.external_id
    if (typeof body.started_at === 'string') run.started_at = body.started_at
    if (typeof body.status === 'string') run.status = body.status as FakeCheckRun['status']
    if (typeof body.conclusion === 'string') {
      // Giving a conclusion completes the run.
      run.conclusion = body.conclusion
      run.status = 'completed'
    }
    if (run.status === 'completed')
      run.completed_at =
        typeof body.completed_at === 'string' ? body.completed_at : (run.completed_at ?? tick())
    const output = body.output as
      { title?: string; summary?: string; text?: string; annotations?: FakeAnnotation[] } | undefined
    if (output) {
      if (output.title !== undefined) run.output.title = output.title
      if (output.summary !== undefined) run.output.summary = output.summary
      if (output.text !== undefined) run.output.text = output.text
      run.annotations.push(...(output.annotations ?? []))
    }
  }

  /** `git.getTree` of a ref: its files as blobs and their directories as trees, sorted by path. */
  function gitTree(ref: string, tree: Record<string, string | Uint8Array>, recursive: boolean) {
    const repoApi = `${apiUrl}/repos/${state.owner}/${state.repo}`
    const treeSha = (path: string) => createHash('sha1').update(`tree:${ref}:${path}`).digest('hex')
    const directories = new Set<string>()
    for (const path of Object.keys(tree)) {
      const parts = path.split('/')
      for (let depth = 1; depth < parts.length; depth++) directories.add(parts.slice(0, depth).join('/'))
    }
    const entries = [
      ...[...directories].map(path => {
        const sha = treeSha(path)
        return { path, mode: '040000', type: 'tree', sha, url: `${repoApi}/git/trees/${sha}` }
      }),
      ...Object.entries(tree).map(([path, value]) => {
        const bytes = toBytes(value)
        const sha = blobSha(bytes)
        return {
          path,
          mode: '100644',
          type: 'blob',
          sha,
          size: bytes.byteLength,
          url: `${repoApi}/git/blobs/${sha}`
        }
      })
    ]
      .filter(entry => recursive || !entry.path.includes('/'))
      .sort((a, b) => a.path.localeCompare(b.path))
    const sha = treeSha('')
    return { sha, url: `${repoApi}/git/trees/${sha}`, tree: entries, truncated: false }
  }

  const gitDatabase = createGitDatabase({
    gitDir: () => state.gitDir,
    repoApi: () => `${apiUrl}/repos/${state.owner}/${state.repo}`,
    webRepo: () => `${webUrl}/${state.owner}/${state.repo}`,
    isThisRepo,
    forbiddenWrite,
    error,
    identity: () => {
      const user = state.tokenUser ?? actionsBot
      return { name: user.login, email: `${build.user(user).id}+${user.login}@users.noreply.github.com` }
    },
    treeEntryLimit: () => state.treeEntryLimit
  })
  const gitTreeRoute = gitDatabase.handlers['GET /repos/{owner}/{repo}/git/trees/{tree_sha}']!
  const deployments = createDeployments({
    deployments: () => state.deployments,
    repoApi: () => `${apiUrl}/repos/${state.owner}/${state.repo}`,
    isThisRepo,
    forbiddenWrite,
    error,
    resolveCommit: async ref => {
      if (state.gitDir) return gitDatabase.resolveCommit(ref)
      if (ref === state.base.ref) return state.base.sha
      if (ref === state.head.ref) return state.head.sha
      return knownCommit(ref) ? ref : undefined
    },
    creator: () => {
      const user = state.tokenUser ?? actionsBot
      return { login: user.login, json: build.user(user) }
    },
    app: () => (state.tokenUser ? null : build.actionsApp()),
    tick
  })

  const { 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': _gitTrees, ...gitRoutes } = gitDatabase.handlers
  const handlers: Record<string, (context: Context) => Reply | Promise<Reply>> = {
    ...gitRoutes,
    ...deployments.handlers,
    'GET /repos/{owner}/{repo}/pulls/{pull_number}': ({ params }) =>
      isThisPull(params, 'pull_number')
        ? { status: 200, json: build.pullRequest() }
        : notFound(`${docs}/pulls/pulls#get-a-pull-request`),

    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': context => {
      if (!isThisPull(context.params, 'pull_number'))
        return notFound(`${docs}/pulls/pulls#list-pull-requests-files`)
      const listed = state.files.slice(0, fakeFileListLimit).map(file => build.diffEntry(file))
      return paginate(context, listed)
    },

    'GET /repos/{owner}/{repo}/contents/{path}': ({ params, query, headers }) => {
      const documentation = `${docs}/repos/contents#get-repository-content`
      if (!isThisRepo(params)) return notFound(documentation)
      const ref = query.ref || state.base.ref
      const tree = treeAt(ref)
      if (!tree) return error(404, `No commit found for the ref ${ref}`, documentation)
      const path = (params.path ?? '').replace(/\/+$/, '')
      const value = tree[path]
      if (value !== undefined) {
        const bytes = toBytes(value)
        if (wantsRaw(headers.accept)) {
          return {
            status: 200,
            raw: bytes,
            headers: {
              'content-type':
                typeof value === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
              'x-github-media-type': 'github.v3; param=raw'
            }
          }
        }
        return {
          status: 200,
          json: {
            ...build.contentEntry(ref, path, 'file', bytes),
            content: wrapBase64(Buffer.from(bytes).toString('base64')),
            encoding: 'base64'
          }
        }
      }
      const children = directoryEntries(tree, path)
      if (children.length === 0) return notFound(documentation)
      return {
        status: 200,
        json: children.map(child =>
          child.type === 'file'
            ? build.contentEntry(ref, child.path, 'file', toBytes(tree[child.path] ?? ''))
            : build.contentEntry(ref, child.path, 'dir')
        )
      }
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': context => {
      if (!isThisPull(context.params, 'issue_number'))
        return notFound(`${docs}/issues/comments#list-issue-comments`)
      const sorted = [...state.comments].sort(
        (a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id
      )
      return paginate(
        context,
        sorted.map(comment => build.comment(comment))
      )
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': ({ params, body }) => {
      const documentation = `${docs}/issues/comments#create-an-issue-comment`
      if (!isThisPull(params, 'issue_number')) return notFound(documentation)
      const refusal = forbiddenWrite(documentation) ?? commentBodyProblem(body, documentation)
      if (refusal) return refusal
      const now = tick()
      const comment: FakeComment = {
        id: nextCommentId++,
        body: (body as { body: string }).body,
        user: state.tokenUser ?? actionsBot,
        created_at: now,
        updated_at: now
      }
      state.comments.push(comment)
      const json = build.comment(comment)
      return { status: 201, json, headers: { location: json.url } }
    },

    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': ({ params, body }) => {
      const documentation = `${docs}/issues/comments#update-an-issue-comment`
      const comment = state.comments.find(candidate => String(candidate.id) === params.comment_id)
      if (!isThisRepo(params) || !comment) return notFound(documentation)
      const refusal = forbiddenWrite(documentation) ?? commentBodyProblem(body, documentation)
      if (refusal) return refusal
      comment.body = (body as { body: string }).body
      comment.updated_at = tick()
      return { status: 200, json: build.comment(comment) }
    },

    'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': ({ params }) => {
      const documentation = `${docs}/issues/comments#delete-an-issue-comment`
      const index = state.comments.findIndex(candidate => String(candidate.id) === params.comment_id)
      if (!isThisRepo(params) || index < 0) return notFound(documentation)
      const refusal = forbiddenWrite(documentation)
      if (refusal) return refusal
      state.comments.splice(index, 1)
      return { status: 204 }
    },

    'GET /user': () => {
      const documentation = `${docs}/users/users#get-the-authenticated-user`
      if (!state.tokenUser) return error(403, 'Resource not accessible by integration', documentation)
      return {
        status: 200,
        json: {
          ...build.user(state.tokenUser),
          name: null,
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 1,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: stamp(0),
          updated_at: stamp(0)
        }
      }
    },

    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': context => {
      const { params, query } = context
      const tree = isThisRepo(params) ? treeAt(params.tree_sha ?? '') : undefined
      if (!tree && state.gitDir) return gitTreeRoute(context)
      if (!tree) return notFound(`${docs}/git/trees#get-a-tree`)
      // GitHub recurses when `recursive` has any value at all, "false" and "0" included.
      return { status: 200, json: gitTree(params.tree_sha ?? '', tree, query.recursive !== undefined) }
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/labels': context =>
      isThisPull(context.params, 'issue_number')
        ? paginate(
            context,
            state.labels.map(name => build.label(name))
          )
        : notFound(`${docs}/issues/labels#list-labels-for-an-issue`),

    'GET /repos/{owner}/{repo}/issues/{issue_number}/events': context =>
      isThisPull(context.params, 'issue_number')
        ? paginate(
            context,
            state.labelEvents.map((event, index) => build.labelEvent(event, index))
          )
        : notFound(`${docs}/issues/events#list-issue-events`),

    'GET /repos/{owner}/{repo}/collaborators/{username}/permission': ({ params }) => {
      const login = params.username ?? ''
      if (!isThisRepo(params) || login === '') {
        return notFound(`${docs}/collaborators/collaborators#get-repository-permissions-for-a-user`)
      }
      return { status: 200, json: build.permission(login, state.permissions[login] ?? 'read') }
    },

    'POST /repos/{owner}/{repo}/check-runs': ({ params, body }) => {
      const documentation = `${docs}/checks/runs#create-a-check-run`
      if (!isThisRepo(params)) return notFound(documentation)
      const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
      const refusal = forbiddenWrite(documentation) ?? checkRunProblem(request, true, documentation)
      if (refusal) return refusal
      const headSha = request.head_sha as string
      if (!knownCommit(headSha)) return error(422, `No commit found for SHA: ${headSha}`, documentation)
      const run: FakeCheckRun = {
        id: nextCheckRunId++,
        name: '',
        head_sha: headSha,
        status: 'queued',
        conclusion: null,
        details_url: null,
        external_id: null,
        started_at: tick(),
        completed_at: null,
        output: { title: null, summary: null, text: null },
        annotations: []
      }
      applyCheckRun(run, request)
      state.checkRuns.push(run)
      const json = build.checkRun(run)
      return { status: 201, json, headers: { location: json.url } }
    },

    'GET /repos/{owner}/{repo}/pulls': context => {
      if (!isThisRepo(context.params)) return notFound(`${docs}/pulls/pulls#list-pull-requests`)
      const { state: wanted = 'open', head } = context.query
      const headOwner = state.head.repo.split('/')[0] ?? state.owner
      const matches =
        (wanted === 'open' || wanted === 'all') &&
        (head === undefined || head === `${headOwner}:${state.head.ref}` || head === headOwner)
      return paginate(context, matches ? [build.pullRequestListed()] : [])
    },

    // GitHub lists a pull request for a commit of this repository; a commit only in a fork finds none.
    'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': context => {
      if (!isThisRepo(context.params))
        return notFound(`${docs}/commits/commits#list-pull-requests-associated-with-a-commit`)
      const sameRepo = state.head.repo === `${state.owner}/${state.repo}`
      const found = sameRepo && context.params.commit_sha === state.head.sha
      return paginate(context, found ? [build.pullRequestListed()] : [])
    },

    'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts': context => {
      if (!isThisRepo(context.params))
        return notFound(`${docs}/actions/artifacts#list-workflow-run-artifacts`)
      const listed = state.artifacts.filter(
        artifact =>
          String(artifact.runId) === context.params.run_id &&
          (context.query.name === undefined || artifact.name === context.query.name)
      )
      const page = paginate(
        context,
        listed.map(artifact => build.artifact(artifact))
      )
      return { ...page, json: { total_count: listed.length, artifacts: page.json } }
    },

    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}': ({ params }) => {
      const documentation = `${docs}/actions/artifacts#download-an-artifact`
      const artifact = state.artifacts.find(candidate => String(candidate.id) === params.artifact_id)
      if (!isThisRepo(params) || !artifact || params.archive_format !== 'zip') return notFound(documentation)
      if (artifact.expired) return error(410, 'Artifact has expired', documentation)
      return {
        status: 302,
        headers: { location: `${apiUrl}${fakeArtifactStoragePrefix}${artifact.id}.zip?sig=fake` }
      }
    },

    'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': context => {
      if (!isThisRepo(context.params))
        return notFound(`${docs}/actions/workflow-runs#list-workflow-runs-for-a-workflow`)
      const { head_sha: headSha, event } = context.query
      const listed = state.workflowRuns.filter(
        run =>
          String(run.workflowId) === context.params.workflow_id &&
          (headSha === undefined || run.headSha === headSha) &&
          (event === undefined || run.event === event)
      )
      const page = paginate(
        context,
        listed.map(run => build.workflowRun(run))
      )
      return { ...page, json: { total_count: listed.length, workflow_runs: page.json } }
    },

    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': ({ params, body }) => {
      const documentation = `${docs}/checks/runs#update-a-check-run`
      const run = state.checkRuns.find(candidate => String(candidate.id) === params.check_run_id)
      if (!isThisRepo(params) || !run) return notFound(documentation)
      const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
      const refusal = forbiddenWrite(documentation) ?? checkRunProblem(request, false, documentation)
      if (refusal) return refusal
      applyCheckRun(run, request)
      return { status: 200, json: build.checkRun(run) }
    }
  }

  const routes = fakeGitHubRoutes.map(route => {
    const key = `${route.method} ${route.path}`
    const handler = handlers[key]
    if (!handler) throw new Error(`fake GitHub: no handler for ${key}`)
    return { ...route, key, pattern: routePattern(route.path), handler }
  })

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestUrl = new URL(request.url ?? '/', apiUrl)
    const method = request.method ?? 'GET'
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? '')
      ])
    )
    const text = await readBody(request)
    const recorded: RecordedRequest = {
      method,
      path: safeDecode(requestUrl.pathname),
      query: Object.fromEntries(requestUrl.searchParams),
      body: undefined,
      headers,
      status: 0
    }
    requests.push(recorded)
    const route = routes.find(
      candidate => candidate.method === method && candidate.pattern.test(requestUrl.pathname)
    )
    recorded.route = route?.key
    const delay = (options.delays ?? []).find(candidate => matches(candidate, method, recorded.path))
    if (delay) await new Promise(resolve => setTimeout(resolve, delay.ms))

    const reply = await (async (): Promise<Reply> => {
      if (text) {
        try {
          recorded.body = JSON.parse(text)
        } catch {
          return error(400, 'Problems parsing JSON')
        }
      }
      if (requestUrl.pathname.startsWith(fakeArtifactStoragePrefix)) {
        recorded.route = 'GET artifact storage'
        const id = requestUrl.pathname.slice(fakeArtifactStoragePrefix.length).replace(/\.zip$/, '')
        const artifact = state.artifacts.find(candidate => String(candidate.id) === id)
        if (method !== 'GET' || !artifact) return { status: 404, raw: 'BlobNotFound' }
        return { status: 200, raw: artifact.zip, headers: { 'content-type': 'application/zip' } }
      }
      if (state.token !== undefined && !isAuthorized(headers.authorization, state.token)) {
        return error(401, 'Bad credentials')
      }
      const fault = takeFault(state.faults, method, recorded.path)
      const faultReply = fault && {
        ...error(fault.status, fault.message ?? defaultFaultMessage(fault.status)),
        headers: fault.headers
      }
      if (faultReply && !fault.afterEffect) return faultReply
      if (!route) return faultReply ?? notFound()
      const groups = route.pattern.exec(requestUrl.pathname)?.groups ?? {}
      const params = Object.fromEntries(
        Object.entries(groups).map(([name, value]) => [name, safeDecode(value)])
      )
      const handled = await route.handler({
        params,
        query: recorded.query,
        body: recorded.body,
        headers,
        requestUrl
      })
      return faultReply ?? handled
    })()

    recorded.status = reply.status
    const body = reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json))
    response.writeHead(reply.status, {
      ...(reply.json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      ...reply.headers
    })
    response.end(body)
  }

  const server = createServer((request, response) => {
    respond(request, response).catch(failure => {
      response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ message: `fake GitHub failed: ${String(failure)}` }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: apiUrl,
    state,
    requests,
    unhandled: () => requests.filter(request => request.route === undefined),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(failure => (failure ? reject(failure) : resolve()))
      })
  }
}

/** Serves one page of `items` the way GitHub does: `per_page` (default 30, at most 100), `page`, `Link`. */
function paginate(context: Context, items: unknown[]): Reply {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(context.query.per_page ?? '', 10) || 30))
  const page = Math.max(1, Number.parseInt(context.query.page ?? '', 10) || 1)
  const lastPage = Math.max(1, Math.ceil(items.length / perPage))
  const pageUrl = (number: number): string => {
    const url = new URL(context.requestUrl)
    url.searchParams.set('per_page', String(perPage))
    url.searchParams.set('page', String(number))
    return url.toString()
  }
  const links: string[] = []
  if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`)
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`)
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`)
  return {
    status: 200,
    json: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {}
  }
}

/**
 * `{name}` matches one segment; `{path}` (x-multi-segment in the description) and `{ref}` (a ref such
 * as `heads/promptgate/registry`, which Octokit sends with its slashes as `%2F` but GitHub also
 * takes as plain segments) match several.
 */
function routePattern(template: string): RegExp {
  const source = template
    .split(/(\{[a-z_]+\})/)
    .map(part => {
      const name = /^\{([a-z_]+)\}$/.exec(part)?.[1]
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      return name === 'path' || name === 'ref' ? `(?<${name}>.+)` : `(?<${name}>[^/]+)`
    })
    .join('')
  return new RegExp(`^${source}$`)
}

/** application/vnd.github.raw, its v3 and +json spellings; what Octokit's `mediaType: {format: 'raw'}` sends. */
function wantsRaw(accept: string | undefined): boolean {
  return /application\/vnd\.github(?:\.v3)?\.raw\b/.test(accept ?? '')
}

function isAuthorized(header: string | undefined, token: string): boolean {
  return header === `token ${token}` || header === `Bearer ${token}`
}

function matches(rule: { method?: string; path?: string | RegExp }, method: string, path: string): boolean {
  return (
    (rule.method === undefined || rule.method.toUpperCase() === method) &&
    (rule.path === undefined || (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path)))
  )
}

function takeFault(faults: FakeFault[], method: string, path: string): FakeFault | undefined {
  const index = faults.findIndex(fault => matches(fault, method, path))
  const fault = faults[index]
  if (!fault) return undefined
  const left = (fault.times ?? 1) - 1
  if (left <= 0) faults.splice(index, 1)
  else fault.times = left
  return fault
}

function defaultFaultMessage(status: number): string {
  if (status >= 500) return 'Server Error'
  if (status === 403) return 'Forbidden'
  if (status === 429) return 'Too Many Requests'
  return 'Error'
}

function directoryEntries(
  tree: Record<string, unknown>,
  directory: string
): { path: string; type: 'file' | 'dir' }[] {
  const prefix = directory === '' ? '' : `${directory}/`
  const children = new Map<string, 'file' | 'dir'>()
  for (const path of Object.keys(tree)) {
    if (!path.startsWith(prefix)) continue
    const [name, ...rest] = path.slice(prefix.length).split('/')
    if (name) children.set(`${prefix}${name}`, rest.length > 0 ? 'dir' : 'file')
  }
  return [...children].sort(([a], [b]) => a.localeCompare(b)).map(([path, type]) => ({ path, type }))
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value
}

/** Git's object id for a blob. */
function blobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex')
}

/** GitHub wraps base64 file content at 60 characters. */
function wrapBase64(base64: string): string {
  return `${base64.match(/.{1,60}/g)?.join('\n') ?? ''}\n`
}

function lineChanges(
  base: Uint8Array | undefined,
  head: Uint8Array | undefined
): { additions: number; deletions: number } {
  const lines = (bytes: Uint8Array | undefined): string[] =>
    bytes === undefined || bytes.byteLength === 0
      ? []
      : new TextDecoder().decode(bytes).replace(/\n$/, '').split('\n')
  const remaining = new Map<string, number>()
  for (const line of lines(base)) remaining.set(line, (remaining.get(line) ?? 0) + 1)
  let additions = 0
  for (const line of lines(head)) {
    const count = remaining.get(line) ?? 0
    if (count > 0) remaining.set(line, count - 1)
    else additions++
  }
  const deletions = [...remaining.values()].reduce((sum, count) => sum + count, 0)
  return { additions, deletions }
}

function numericId(seed: string): number {
  return Number.parseInt(createHash('sha1').update(seed).digest('hex').slice(0, 8), 16)
}

function stamp(seconds: number): string {
  return new Date(epoch - 86_400_000 + seconds * 1000).toISOString().replace('.000Z', 'Z')
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
