/**
 * `/promptgate <command> <prompt> [vN] [<percent>%]` in an issue or pull-request comment: parsed
 * from the comment's first line, allowed only for a user whose repository role is write, maintain
 * or admin. The comment is untrusted text, so the prompt argument is held to a plain path or name.
 */
import { errorMessage } from '../errors.js'
import { neutralizeMentions, sanitize, shorten } from '../report/escape.js'
import { COMMENT_MAX_CHARS } from '../report/limits.js'
import { apiMessage, httpStatus } from './http-error.js'
import type { Octokit } from './octokit.js'

export const commentCommands = ['promote', 'canary', 'rollback', 'pause', 'resume', 'abort'] as const
export type CommentCommandName = (typeof commentCommands)[number]

/** The issue or pull request a comment is on, where the reply goes. */
export interface CommentTarget {
  owner: string
  repo: string
  issueNumber: number
}

export interface ParsedCommand {
  command: CommentCommandName
  /** A repository path (`prompts/triage.prompt.yml`) or a prompt's name (`triage`), as typed. */
  prompt: string
  version?: number
  percent?: number
}

export type CommandLine = { status: 'parsed'; parsed: ParsedCommand } | { status: 'invalid'; reason: string }

export interface CommentCommand extends ParsedCommand {
  status: 'allowed'
  /** The commenter: the actor of the move. */
  actor: string
  target: CommentTarget
}

export interface CommentRefusal {
  status: 'refused'
  /** Why nothing happened, in words for the reply. */
  reason: string
  actor: string
  target: CommentTarget
}

const allowedRoles = ['write', 'maintain', 'admin']
export const maxPromptArgumentLength = 200
/** Path segments of letters, digits, `.`, `_` and `-`; never `.` or `..`. */
const plainPath = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/
const usage = '`/promptgate promote|canary|rollback|pause|resume|abort <prompt> [vN] [<percent>%]`'

/**
 * The command on the comment's first line; undefined when that line is not addressed to promptgate.
 * A line that starts with `/promptgate` but does not parse is `invalid`, with the reason.
 */
export function parseCommandLine(body: string): CommandLine | undefined {
  const firstLine =
    body
      .replace(/^\uFEFF/, '')
      .split(/\r?\n|\r/, 1)[0]
      ?.trim() ?? ''
  const [head, name, prompt, ...rest] = firstLine.split(/[ \t]+/)
  if (head !== '/promptgate') return undefined
  const invalid = (reason: string): CommandLine => ({
    status: 'invalid',
    reason: `${reason} Usage: ${usage}.`
  })
  if (!name || !(commentCommands as readonly string[]).includes(name))
    return invalid(name ? 'That is not a promptgate command.' : 'The command is missing.')
  const command = name as CommentCommandName
  if (!prompt) return invalid(`\`${command}\` needs a prompt: its repository path or its name.`)
  if (prompt.length > maxPromptArgumentLength || !plainPath.test(prompt) || /(^|\/)\.\.?(\/|$)/.test(prompt))
    return invalid(
      `A prompt is its repository path or name: letters, digits, \`.\`, \`_\`, \`-\` and \`/\`, at most ${maxPromptArgumentLength} characters.`
    )
  const parsed: ParsedCommand = { command, prompt }
  for (const word of rest) {
    const version = /^v(\d{1,6})$/.exec(word)
    const percent = /^(\d{1,3})%$/.exec(word)
    if (version && parsed.version === undefined && Number(version[1]) >= 1)
      parsed.version = Number(version[1])
    else if (percent && parsed.percent === undefined && Number(percent[1]) <= 100)
      parsed.percent = Number(percent[1])
    else
      return invalid(
        'Only a version (`v3`) and, for `canary`, a percentage (`5%`, 0 to 100) may follow the prompt.'
      )
  }
  if (command === 'canary' && parsed.percent === undefined)
    return invalid('`canary` needs a percentage, e.g. `5%`.')
  if (command !== 'canary' && parsed.percent !== undefined)
    return invalid(`\`${command}\` takes no percentage.`)
  if ((command === 'pause' || command === 'resume' || command === 'abort') && parsed.version !== undefined)
    return invalid(`\`${command}\` takes no version.`)
  return { status: 'parsed', parsed }
}

/**
 * Reads an `issue_comment` payload. Undefined when it is not for us: not a new comment, a bot's
 * comment, or a first line that does not start with `/promptgate`. Otherwise the command, allowed
 * when the commenter may write to the repository, or a refusal that says why not.
 */
export async function readCommentCommand(
  octokit: Octokit,
  payload: unknown
): Promise<CommentCommand | CommentRefusal | undefined> {
  const event = payload as IssueCommentPayload | null
  const body = event?.comment?.body
  const actor = event?.comment?.user?.login
  const owner = event?.repository?.owner?.login
  const repo = event?.repository?.name
  const issueNumber = event?.issue?.number
  if (event?.action !== 'created' || typeof body !== 'string' || event.comment?.user?.type === 'Bot')
    return undefined
  if (typeof actor !== 'string' || typeof owner !== 'string' || typeof repo !== 'string') return undefined
  if (typeof issueNumber !== 'number') return undefined
  const line = parseCommandLine(body)
  if (!line) return undefined
  const target: CommentTarget = { owner, repo, issueNumber }
  if (line.status === 'invalid') return { status: 'refused', reason: line.reason, actor, target }
  const refusal = await permissionProblem(octokit, target, actor)
  if (refusal) return { status: 'refused', reason: refusal, actor, target }
  return { status: 'allowed', ...line.parsed, actor, target }
}

/** Why `actor` may not move channels, or undefined when their role is write, maintain or admin. */
export async function permissionProblem(
  octokit: Octokit,
  target: CommentTarget,
  actor: string
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: target.owner,
      repo: target.repo,
      username: actor
    })
    // `permission` is the legacy role (a custom role shows its base there); `role_name` the real one.
    const roles = [data.role_name, data.permission].filter(Boolean)
    if (roles.some(role => allowedRoles.includes(role))) return undefined
    return `${actor} has the ${data.role_name || data.permission} role on ${target.owner}/${target.repo}; moving a prompt's channels takes write, maintain or admin.`
  } catch (error) {
    const status = httpStatus(error)
    if (status === 404)
      return `${actor} is not a collaborator of ${target.owner}/${target.repo}; moving a prompt's channels takes write, maintain or admin.`
    const said =
      status === undefined ? errorMessage(error) : `GitHub answered ${status}: ${apiMessage(error)}`
    return `${actor}'s permission could not be checked (${said}), so nothing was moved. Try again.`
  }
}

/**
 * Posts `body` as a reply on the comment's issue. Whatever untrusted text the body quotes, the
 * reply cannot ping anyone (mentions are broken with a zero-width joiner) or carry HTML.
 */
export async function replyToComment(octokit: Octokit, target: CommentTarget, body: string): Promise<void> {
  await octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body: safeReply(body)
  })
}

export function safeReply(body: string): string {
  const text = neutralizeMentions(sanitize(body).replace(/&/g, '&amp;').replace(/</g, '&lt;'))
  // Room for the note `shorten` appends, so the body stays within GitHub's limit.
  return shorten(text, COMMENT_MAX_CHARS - 100)
}

interface IssueCommentPayload {
  action?: string
  issue?: { number?: number }
  comment?: { body?: string; user?: { login?: string; type?: string } }
  repository?: { name?: string; owner?: { login?: string } }
}
