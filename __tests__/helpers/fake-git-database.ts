/**
 * The fake GitHub's Git Database routes (refs, commits, trees, blobs), answered from a REAL git
 * repository with git plumbing, so what a client writes can be checked with `git` afterwards.
 * The status codes and messages are GitHub's; every object really exists in the repository.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface GitReply {
  status: number
  json?: unknown
  headers?: Record<string, string>
}

interface GitContext {
  params: Record<string, string>
  query: Record<string, string>
  body: unknown
}

export interface GitIdentity {
  name: string
  email: string
}

/** What the git routes need from the fake around them. */
export interface GitDatabaseDeps {
  gitDir: () => string | undefined
  repoApi: () => string
  webRepo: () => string
  isThisRepo(params: Record<string, string>): boolean
  forbiddenWrite(documentation: string): GitReply | undefined
  error(status: number, message: string, documentation: string): GitReply
  /** Who commits when the request names no author: the token's user, or github-actions[bot]. */
  identity(): GitIdentity
  /** A recursive tree listing with more entries than this is cut and marked `truncated`, as GitHub does past 100,000. */
  treeEntryLimit(): number
}

export interface GitRun {
  code: number
  stdout: Buffer
  stderr: string
}

/** Runs git in the repository, never through a shell; `input` goes to its stdin. */
export function runGit(
  gitDir: string,
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {}
): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: gitDir,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', code =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') })
    )
    if (child.stdin) {
      // git may exit before reading all of its input; its exit code tells what happened.
      child.stdin.on('error', () => {})
      child.stdin.end(options.input)
    }
  })
}

const docs = 'https://docs.github.com/rest'
const zeroSha = '0'.repeat(40)
const fullSha = /^[0-9a-f]{40}$/
const fileModes = ['100644', '100755', '120000']

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

function wrapBase64(base64: string): string {
  return `${base64.match(/.{1,60}/g)?.join('\n') ?? ''}\n`
}

function asRecord(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {}
}

/** A path component GitHub refuses: empty, `.`, `..`, `.git`. */
function malformedPath(path: string): boolean {
  return path
    .split('/')
    .some(part => part === '' || part === '.' || part === '..' || part.toLowerCase() === '.git')
}

export function createGitDatabase(deps: GitDatabaseDeps) {
  function repository(): string {
    const dir = deps.gitDir()
    if (!dir) throw new Error('fake GitHub: the Git Database routes need the `gitDir` option')
    return dir
  }

  async function git(args: string[], options: Parameters<typeof runGit>[2] = {}): Promise<GitRun> {
    return runGit(repository(), args, options)
  }

  async function text(args: string[], options: Parameters<typeof runGit>[2] = {}): Promise<string> {
    const run = await git(args, options)
    if (run.code !== 0) throw new Error(`fake GitHub: git ${args.join(' ')} failed: ${run.stderr}`)
    return run.stdout.toString('utf8').trim()
  }

  /** `blob`, `tree`, `commit` or `tag`; undefined when the repository has no such object. */
  async function objectType(sha: string): Promise<string | undefined> {
    if (!fullSha.test(sha)) return undefined
    const run = await git(['cat-file', '-t', sha])
    return run.code === 0 ? run.stdout.toString('utf8').trim() : undefined
  }

  /** The object a full ref name (`refs/heads/x`) points at; only that exact ref, no revision syntax. */
  async function refTarget(fullRef: string): Promise<string | undefined> {
    const run = await git(['show-ref', '--verify', '--', fullRef])
    if (run.code !== 0) return undefined
    return run.stdout.toString('utf8').split(' ')[0]
  }

  async function validRefName(fullRef: string): Promise<boolean> {
    return (await git(['check-ref-format', fullRef])).code === 0
  }

  async function refJson(fullRef: string, sha: string) {
    const type = (await objectType(sha)) ?? 'commit'
    const api = deps.repoApi()
    return {
      ref: fullRef,
      node_id: `REF_${Buffer.from(fullRef).toString('base64url')}`,
      url: `${api}/git/${fullRef}`,
      object: { type, sha, url: `${api}/git/${type === 'commit' ? 'commits' : `${type}s`}/${sha}` }
    }
  }

  async function commitJson(sha: string) {
    const raw = await text(['cat-file', 'commit', sha])
    const split = raw.indexOf('\n\n')
    const header = split < 0 ? raw : raw.slice(0, split)
    const message = split < 0 ? '' : raw.slice(split + 2)
    const person = (line: string | undefined) => {
      const match = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line ?? '')
      return { name: match?.[1] ?? '', email: match?.[2] ?? '', date: isoDate(Number(match?.[3] ?? 0)) }
    }
    const lines = header.split('\n')
    const field = (name: string) =>
      lines.filter(line => line.startsWith(`${name} `)).map(line => line.slice(name.length + 1))
    const api = deps.repoApi()
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${api}/git/commits/${sha}`,
      html_url: `${deps.webRepo()}/commit/${sha}`,
      author: person(field('author')[0]),
      committer: person(field('committer')[0]),
      tree: { sha: field('tree')[0] ?? '', url: `${api}/git/trees/${field('tree')[0] ?? ''}` },
      message,
      parents: field('parent').map(parent => ({
        sha: parent,
        url: `${api}/git/commits/${parent}`,
        html_url: `${deps.webRepo()}/commit/${parent}`
      })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null }
    }
  }

  async function treeJson(sha: string, recursive: boolean) {
    const args = ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), sha]
    const api = deps.repoApi()
    const entries = (await git(args)).stdout
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const [meta = '', path = ''] = line.split('\t')
        const [mode = '', type = '', objectSha = '', size = '-'] = meta.split(/ +/)
        const kind = type === 'tree' ? 'trees' : type === 'blob' ? 'blobs' : 'commits'
        return {
          path,
          mode,
          type,
          sha: objectSha,
          ...(type === 'blob' ? { size: Number(size) } : {}),
          url: `${api}/git/${kind}/${objectSha}`
        }
      })
    const limit = deps.treeEntryLimit()
    const truncated = recursive && entries.length > limit
    return {
      sha,
      url: `${api}/git/trees/${sha}`,
      tree: truncated ? entries.slice(0, limit) : entries,
      truncated
    }
  }

  /** A tree by its SHA, or the tree of a commit or branch, as GitHub resolves `tree_sha`. */
  async function resolveTree(value: string): Promise<string | undefined> {
    if (value.startsWith('-') || !/^[\w./-]+$/.test(value)) return undefined
    const candidates = fullSha.test(value) ? [value] : [`refs/heads/${value}`, `refs/tags/${value}`]
    for (const candidate of candidates) {
      const run = await git(['rev-parse', '--verify', '--quiet', `${candidate}^{tree}`])
      if (run.code === 0) return run.stdout.toString('utf8').trim()
    }
    return undefined
  }

  /** The commit a deployment's `ref` (a SHA, branch or tag) names. */
  async function resolveCommit(value: string): Promise<string | undefined> {
    if (value.startsWith('-') || !/^[\w./-]+$/.test(value)) return undefined
    const candidates = fullSha.test(value) ? [value] : [`refs/heads/${value}`, `refs/tags/${value}`]
    for (const candidate of candidates) {
      const run = await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`])
      if (run.code === 0) return run.stdout.toString('utf8').trim()
    }
    return undefined
  }

  const invalid = (documentation: string, detail: string) =>
    deps.error(422, `Invalid request.\n\n${detail}`, documentation)

  const handlers: Record<string, (context: GitContext) => Promise<GitReply>> = {
    'GET /repos/{owner}/{repo}/git/ref/{ref}': async ({ params }) => {
      const documentation = `${docs}/git/refs#get-a-reference`
      const fullRef = `refs/${params.ref ?? ''}`
      const sha = deps.isThisRepo(params) ? await refTarget(fullRef) : undefined
      if (!sha) return deps.error(404, 'Not Found', documentation)
      return { status: 200, json: await refJson(fullRef, sha) }
    },

    'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': async ({ params }) => {
      const documentation = `${docs}/git/commits#get-a-commit-object`
      const sha = params.commit_sha ?? ''
      if (!deps.isThisRepo(params) || (await objectType(sha)) !== 'commit')
        return deps.error(404, 'Not Found', documentation)
      return { status: 200, json: await commitJson(sha) }
    },

    'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': async ({ params }) => {
      const documentation = `${docs}/git/blobs#get-a-blob`
      const sha = params.file_sha ?? ''
      if (!deps.isThisRepo(params) || (await objectType(sha)) !== 'blob')
        return deps.error(404, 'Not Found', documentation)
      const bytes = (await git(['cat-file', 'blob', sha])).stdout
      return {
        status: 200,
        json: {
          sha,
          node_id: `B_${sha}`,
          size: bytes.byteLength,
          url: `${deps.repoApi()}/git/blobs/${sha}`,
          content: wrapBase64(bytes.toString('base64')),
          encoding: 'base64'
        }
      }
    },

    'POST /repos/{owner}/{repo}/git/blobs': async ({ params, body }) => {
      const documentation = `${docs}/git/blobs#create-a-blob`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (typeof request.content !== 'string') return invalid(documentation, '"content" wasn\'t supplied.')
      const encoding = request.encoding ?? 'utf-8'
      if (encoding !== 'utf-8' && encoding !== 'base64')
        return invalid(
          documentation,
          `Invalid property /encoding: \`${String(encoding)}\` is not a possible value.`
        )
      const bytes = Buffer.from(request.content, encoding === 'base64' ? 'base64' : 'utf8')
      const sha = await text(['hash-object', '-w', '--stdin'], { input: bytes })
      const url = `${deps.repoApi()}/git/blobs/${sha}`
      return { status: 201, json: { url, sha }, headers: { location: url } }
    },

    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': async ({ params, query }) => {
      const documentation = `${docs}/git/trees#get-a-tree`
      const sha =
        deps.isThisRepo(params) && deps.gitDir() ? await resolveTree(params.tree_sha ?? '') : undefined
      if (!sha) return deps.error(404, 'Not Found', documentation)
      // GitHub recurses when `recursive` has any value at all, "false" and "0" included.
      return { status: 200, json: await treeJson(sha, query.recursive !== undefined) }
    },

    'POST /repos/{owner}/{repo}/git/trees': async ({ params, body }) => {
      const documentation = `${docs}/git/trees#create-a-tree`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (!Array.isArray(request.tree)) return invalid(documentation, '"tree" wasn\'t supplied.')
      let base: string | undefined
      if (request.base_tree !== undefined) {
        base = typeof request.base_tree === 'string' ? await resolveTree(request.base_tree) : undefined
        if (!base) return deps.error(422, 'base_tree is not a valid tree oid', documentation)
      }
      const lines: string[] = []
      for (const item of request.tree) {
        const entry = asRecord(item)
        const path = entry.path
        if (typeof path !== 'string' || malformedPath(path))
          return deps.error(422, 'tree.path contains a malformed path component', documentation)
        if (entry.type !== 'blob' || !fileModes.includes(String(entry.mode)))
          throw new Error(
            `fake GitHub: tree entries other than blobs (${String(entry.type)} ${String(entry.mode)}) are not implemented`
          )
        let sha = entry.sha
        if (sha === null) {
          lines.push(`0 ${zeroSha}\t${path}`)
          continue
        }
        if (typeof entry.content === 'string') {
          sha = await text(['hash-object', '-w', '--stdin'], { input: entry.content })
        } else if (typeof sha !== 'string' || (await objectType(sha)) !== 'blob') {
          return deps.error(422, `tree.sha ${String(sha)} is not a valid blob`, documentation)
        }
        lines.push(`${String(entry.mode)} ${String(sha)}\t${path}`)
      }
      const scratch = mkdtempSync(join(tmpdir(), 'fake-github-index-'))
      try {
        const env = { GIT_INDEX_FILE: join(scratch, 'index') }
        await text(base ? ['read-tree', base] : ['read-tree', '--empty'], { env })
        if (lines.length > 0)
          await text(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` })
        const tree = await text(['write-tree'], { env })
        const json = await treeJson(tree, false)
        return { status: 201, json, headers: { location: json.url } }
      } finally {
        rmSync(scratch, { recursive: true, force: true })
      }
    },

    'POST /repos/{owner}/{repo}/git/commits': async ({ params, body }) => {
      const documentation = `${docs}/git/commits#create-a-commit`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (typeof request.message !== 'string') return invalid(documentation, '"message" wasn\'t supplied.')
      if (typeof request.tree !== 'string') return invalid(documentation, '"tree" wasn\'t supplied.')
      if ((await objectType(request.tree)) !== 'tree')
        return deps.error(422, 'Tree SHA does not exist', documentation)
      const parents = request.parents ?? []
      if (!Array.isArray(parents)) return invalid(documentation, 'Invalid property /parents.')
      for (const parent of parents) {
        if (typeof parent !== 'string' || (await objectType(parent)) !== 'commit')
          return deps.error(422, 'Parent SHA does not exist or is not a commit object', documentation)
      }
      const now = Math.floor(Date.now() / 1000)
      const person = (value: unknown) => {
        const given = asRecord(value)
        const fallback = deps.identity()
        const date = typeof given.date === 'string' ? Math.floor(Date.parse(given.date) / 1000) : now
        return {
          name: typeof given.name === 'string' ? given.name : fallback.name,
          email: typeof given.email === 'string' ? given.email : fallback.email,
          date: `${Number.isFinite(date) ? date : now} +0000`
        }
      }
      const author = person(request.author)
      const committer = request.committer === undefined ? author : person(request.committer)
      const sha = await text(
        ['commit-tree', request.tree, ...parents.flatMap(parent => ['-p', String(parent)]), '-F', '-'],
        {
          input: request.message,
          env: {
            GIT_AUTHOR_NAME: author.name,
            GIT_AUTHOR_EMAIL: author.email,
            GIT_AUTHOR_DATE: author.date,
            GIT_COMMITTER_NAME: committer.name,
            GIT_COMMITTER_EMAIL: committer.email,
            GIT_COMMITTER_DATE: committer.date
          }
        }
      )
      const json = await commitJson(sha)
      return { status: 201, json, headers: { location: json.url } }
    },

    'POST /repos/{owner}/{repo}/git/refs': async ({ params, body }) => {
      const documentation = `${docs}/git/refs#create-a-reference`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (typeof request.ref !== 'string') return invalid(documentation, '"ref" wasn\'t supplied.')
      if (typeof request.sha !== 'string') return invalid(documentation, '"sha" wasn\'t supplied.')
      const fullRef = request.ref
      if (!fullRef.startsWith('refs/') || fullRef.split('/').length < 3)
        return deps.error(
          422,
          "Reference name must start with 'refs/' and have at least two slashes.",
          documentation
        )
      if (!(await validRefName(fullRef)))
        return deps.error(422, `${fullRef} is not a valid ref name.`, documentation)
      if (!(await objectType(request.sha))) return deps.error(422, 'Object does not exist', documentation)
      // The all-zero old value: git creates the ref only if it does not exist, atomically.
      const created = await git(['update-ref', fullRef, request.sha, zeroSha])
      if (created.code !== 0) return deps.error(422, 'Reference already exists', documentation)
      const json = await refJson(fullRef, request.sha)
      return { status: 201, json, headers: { location: json.url } }
    },

    'PATCH /repos/{owner}/{repo}/git/refs/{ref}': async ({ params, body }) => {
      const documentation = `${docs}/git/refs#update-a-reference`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (typeof request.sha !== 'string') return invalid(documentation, '"sha" wasn\'t supplied.')
      const fullRef = `refs/${params.ref ?? ''}`
      const current = await refTarget(fullRef)
      if (!current) return deps.error(422, 'Reference does not exist', documentation)
      if ((await objectType(request.sha)) !== 'commit')
        return deps.error(422, 'Object does not exist', documentation)
      const force = request.force === true
      if (!force && current !== request.sha) {
        const fastForward = await git(['merge-base', '--is-ancestor', current, request.sha])
        if (fastForward.code !== 0) return deps.error(422, 'Update is not a fast forward', documentation)
      }
      // Compare-and-swap: another writer between our read and this update makes it fail.
      const updated = await git(['update-ref', fullRef, request.sha, current])
      if (updated.code !== 0) return deps.error(422, 'Update is not a fast forward', documentation)
      return { status: 200, json: await refJson(fullRef, request.sha) }
    }
  }

  return { handlers, resolveCommit, hasRepository: () => deps.gitDir() !== undefined }
}
