import type { ChangeSource } from '../changes/types.js'
import type { Comparison, PromptComparison, Verdict } from '../compare/types.js'
import type { PullRequestRef } from './event.js'
import { apiMessage, httpStatus, isRateLimited } from './http-error.js'
import type { Octokit } from './octokit.js'

/** GitHub refuses more annotations than this in one create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** The longest `output.summary` (and `output.text`) GitHub accepts. */
export const CHECK_SUMMARY_MAX_CHARS = 65_535
const TITLE_MAX = 255
const ANNOTATION_MESSAGE_MAX = 4_000

export type AnnotationLevel = 'notice' | 'warning' | 'failure'

/** A check-run annotation as the Checks API takes it. */
export interface Annotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: AnnotationLevel
  title?: string
  message: string
}

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'skipped'

/** An error never concludes as anything but failure: a check must not go green on an unknown verdict. */
export const CONCLUSIONS: Record<Verdict, CheckConclusion> = {
  pass: 'success',
  regressed: 'failure',
  overridden: 'neutral',
  skipped: 'skipped',
  error: 'failure'
}

const TITLES: Record<Verdict, string> = {
  pass: 'No regressions',
  regressed: 'Regression',
  overridden: 'Regression accepted',
  skipped: 'Nothing to evaluate',
  error: 'Evaluation failed'
}

export interface CheckRunInput {
  name: string
  verdict: Verdict
  /** Shown beside the check's name; defaults to a few words for the verdict. */
  title?: string
  summaryMarkdown: string
  annotations: Annotation[]
  /** Where "Details" leads, e.g. the workflow run. */
  detailsUrl?: string
  /** A regression the workflow chose not to fail on (`fail-on-regression: false`) concludes neutral. */
  gating?: boolean
}

export type CheckRunResult =
  { status: 'created'; id: number; url: string } | { status: 'forbidden'; message: string }

function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`
}

/** The 1-based first line where head differs from base: where a reviewer's eye should land. */
export function firstChangedLine(base: string | undefined, head: string): number {
  if (base === undefined) return 1
  const before = base.split(/\r?\n/)
  const after = head.split(/\r?\n/)
  const last = Math.max(1, after.length - (after.at(-1) === '' ? 1 : 0))
  for (let index = 0; index < after.length; index++) {
    if (before[index] !== after[index]) return Math.min(index + 1, last)
  }
  // Head is base with lines removed from the end: point at head's last line.
  return before.length > after.length ? last : 1
}

/** Whether a prompt gets an annotation; only those need their changed line. */
function needsAnnotation(prompt: PromptComparison): boolean {
  return prompt.status !== 'removed' && (prompt.regressed || prompt.errors.base + prompt.errors.head > 0)
}

/**
 * The first changed line of each prompt that gets an annotation, read through the change source
 * (whose reads are cached, so this costs no request the pipeline did not make). A file that cannot be
 * read is left out and its annotation goes on line 1.
 */
export async function findChangedLines(
  source: Pick<ChangeSource, 'baseRef' | 'headRef' | 'read'>,
  comparison: Comparison
): Promise<Map<string, number>> {
  const lines = new Map<string, number>()
  await Promise.all(
    comparison.prompts.filter(needsAnnotation).map(async prompt => {
      try {
        const head = await source.read(source.headRef, prompt.path)
        if (head === undefined) return
        const base =
          prompt.status === 'added'
            ? undefined
            : await source.read(source.baseRef, prompt.previousPath ?? prompt.path)
        lines.set(prompt.path, firstChangedLine(base, head))
      } catch {
        // The line only places the annotation; line 1 will do.
      }
    })
  )
  return lines
}

export interface AnnotationOptions {
  /** The final verdict; `overridden` turns the regressions into notices. Default: the comparison's. */
  verdict?: Verdict
  /** First changed line by prompt path, when known (see `firstChangedLine`). */
  lines?: ReadonlyMap<string, number>
}

function brokenMetrics(prompt: PromptComparison): string {
  const broken = prompt.metrics.filter(metric => metric.status === 'broken')
  if (broken.length === 0) return 'a threshold broke'
  return broken.map(metric => `${metric.metric} ${metric.reason ?? 'broke its threshold'}`).join('; ')
}

function caseCount(prompt: PromptComparison): string {
  const regressed = prompt.cases.filter(item => item.change === 'regressed').length
  return `${regressed} of ${prompt.cases.length} case${prompt.cases.length === 1 ? '' : 's'} regressed.`
}

/**
 * One annotation per prompt that needs a reviewer: a failure on each regressed prompt (a notice once
 * the regression is accepted). A prompt whose model calls failed gets one failure saying so instead:
 * its metrics are not meaningful, and the error fails the check.
 */
export function buildAnnotations(comparison: Comparison, options: AnnotationOptions = {}): Annotation[] {
  const verdict = options.verdict ?? comparison.verdict
  return comparison.prompts.flatMap((prompt): Annotation[] => {
    if (!needsAnnotation(prompt)) return []
    const line = Math.max(1, Math.floor(options.lines?.get(prompt.path) ?? 1))
    const at = { path: prompt.path, start_line: line, end_line: line }
    const failed = prompt.errors.base + prompt.errors.head
    if (failed > 0) {
      return [
        {
          ...at,
          annotation_level: 'failure',
          title: 'promptgate: model calls failed',
          message: `${failed} model call${failed === 1 ? '' : 's'} failed after retries (base ${prompt.errors.base}, head ${prompt.errors.head}), so this prompt's verdict is unknown.`
        }
      ]
    }
    const accepted = verdict === 'overridden'
    return [
      {
        ...at,
        annotation_level: accepted ? 'notice' : 'failure',
        title: `promptgate: ${accepted ? 'regression accepted' : 'regression'}`,
        message: clip(`${brokenMetrics(prompt)}. ${caseCount(prompt)}`, ANNOTATION_MESSAGE_MAX)
      }
    ]
  })
}

/** A title that says what happened, for the checks list: e.g. "Regression in 1 of 3 prompts". */
export function checkRunTitle(comparison: Comparison, verdict: Verdict): string {
  const evaluated = comparison.prompts.filter(prompt => prompt.status !== 'removed').length
  const regressed = comparison.prompts.filter(prompt => prompt.regressed).length
  const prompts = `${evaluated} prompt${evaluated === 1 ? '' : 's'}`
  switch (verdict) {
    case 'regressed':
      return `Regression in ${regressed} of ${prompts}`
    case 'overridden':
      return `Regression in ${regressed} of ${prompts} accepted by label`
    case 'pass':
      return `No regressions in ${prompts}`
    default:
      return TITLES[verdict]
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/

interface Cut {
  end: number
  closing: string
}

/**
 * Cuts markdown to at most `max` characters at a line end, preferring the end of a block, and closes
 * what the cut left open (a code fence, `<details>` elements) so the rest of the page renders intact.
 */
export function capMarkdown(markdown: string, max: number, note: string): string {
  if (markdown.length <= max) return markdown
  const room = max - note.length
  let fence: { char: string; length: number } | undefined
  let depth = 0
  let offset = 0
  let best: Cut | undefined
  let bestBlock: Cut | undefined
  const lines = markdown.split('\n')
  for (const [index, line] of lines.entries()) {
    const opener = FENCE.exec(line)?.[1]
    if (fence) {
      if (opener && opener[0] === fence.char && opener.length >= fence.length && line.trim() === opener) {
        fence = undefined
      }
    } else if (opener) {
      fence = { char: opener[0]!, length: opener.length }
    } else if (/^<details[\s>]/i.test(line)) {
      depth++
    } else if (/^<\/details>/i.test(line)) {
      depth = Math.max(0, depth - 1)
    }
    offset += line.length
    const closing = `${fence ? `\n${fence.char.repeat(fence.length)}` : ''}${'\n\n</details>'.repeat(depth)}`
    if (offset + closing.length > room) break
    const cut = { end: offset, closing }
    best = cut
    if (!fence && (lines[index + 1] ?? '') === '') bestBlock = cut
    offset += 1
  }
  const chosen = bestBlock ?? best
  if (!chosen) return `${clip(markdown, room)}${note}`
  return `${markdown.slice(0, chosen.end)}${chosen.closing}${note}`
}

function forbiddenMessage(error: unknown): string | undefined {
  if (httpStatus(error) !== 403 || isRateLimited(error)) return undefined
  return (
    `GitHub refused to create the check run (403: ${apiMessage(error)}). Give the job ` +
    `"permissions: checks: write"; pull requests from forks never get a writable token.`
  )
}

function batches<T>(items: T[], size: number): T[][] {
  const result: T[][] = []
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size))
  return result
}

/**
 * Creates a completed check run on the pull request's head commit (never the merge commit), with the
 * summary capped to GitHub's limit and annotations sent 50 a request. A token without
 * `checks: write` yields `forbidden` instead of an error, as for the sticky comment.
 */
export async function publishCheckRun(
  octokit: Octokit,
  pr: PullRequestRef,
  input: CheckRunInput
): Promise<CheckRunResult> {
  const note = `\n\n---\n\n✂️ *Cut to fit the ${CHECK_SUMMARY_MAX_CHARS.toLocaleString('en-US')}-character limit of a check run; the full report is in the job summary of the workflow run.*`
  const output = {
    title: clip(input.title ?? TITLES[input.verdict], TITLE_MAX),
    summary: capMarkdown(input.summaryMarkdown, CHECK_SUMMARY_MAX_CHARS, note)
  }
  const [first, ...rest] = batches(input.annotations, ANNOTATIONS_PER_REQUEST)
  const target = { owner: pr.owner, repo: pr.repo }
  try {
    const { data } = await octokit.rest.checks.create({
      ...target,
      name: input.name,
      head_sha: pr.headSha,
      status: 'completed',
      conclusion:
        input.verdict === 'regressed' && input.gating === false ? 'neutral' : CONCLUSIONS[input.verdict],
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      output: first ? { ...output, annotations: first } : output
    })
    // Each update appends its annotations to those the run already has.
    for (const annotations of rest) {
      await octokit.rest.checks.update({
        ...target,
        check_run_id: data.id,
        output: { ...output, annotations }
      })
    }
    return { status: 'created', id: data.id, url: data.html_url ?? data.url }
  } catch (error) {
    const message = forbiddenMessage(error)
    if (message) return { status: 'forbidden', message }
    throw error
  }
}
