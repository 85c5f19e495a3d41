import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { decideOverride, type OverrideOutcome } from './compare/override.js'
import type { Comparison, Verdict } from './compare/types.js'
import { errorMessage, isUserError, UserError } from './errors.js'
import { createResultCache, type ResultCache } from './eval/cache.js'
import {
  emptyResultCacheDirectory,
  pullRequestNamespace,
  restoreResultCache,
  resultCacheDirectory,
  saveResultCache,
  type CacheKeyParts,
  type CacheNamespace,
  type CacheOutcome
} from './github/cache.js'
import { createGitChangeSource, isShaAvailable } from './changes/git.js'
import type { ChangeSource } from './changes/types.js'
import { createApiChangeSource, createPushSource, createSnapshotSource } from './github/change-source.js'
import { readCommentCommand, replyToComment } from './github/comment-command.js'
import {
  baseVersions,
  mirrorMoves,
  registerPush,
  registryStore,
  runCommand,
  type RepositoryRef
} from './github/registry-run.js'
import { findChangedLines } from './github/check-run.js'
import {
  readDefaultBranchPush,
  readPullRequestEvent,
  type DefaultBranchPush,
  type PullRequestRef
} from './github/event.js'
import { gatherOverrideEvidence } from './github/override-evidence.js'
import { createOctokit, type Octokit } from './github/octokit.js'
import { publishFromWorkflowRun } from './github/publish-mode.js'
import { Publisher } from './github/publisher.js'
import { readInputs, type ActionInputs } from './inputs.js'
import { openAutoCanaries, trustedRollout, watchFromWorkflow } from './github/rollout-run.js'
import { noteRolloutDecision } from './github/deployments.js'
import { promptStem } from './registry/resolve.js'
import { providersNamedInConfig } from './config/named-providers.js'
import {
  runPipeline,
  type PipelineOptions,
  type PipelineOutcome,
  type TrustedProvidersOption
} from './pipeline.js'
import { credentialIdentity } from './providers/credential-identity.js'
import { createDeadline, type Deadline } from './providers/deadline.js'
import { createProviderRegistry } from './providers/index.js'
import { renderProgress } from './report/index.js'
import type { RegisteredBase, ReportContext } from './report/types.js'
import { secretsFromEnvironment, secretsOfProviders } from './secrets.js'
import { providerSettings } from './suites/provider-settings.js'

/** Every value that must never reach the comment, the summary or the report. */
function secretValues(inputs: ActionInputs): string[] {
  return [inputs.githubToken, inputs.modelsToken, ...secretsFromEnvironment(process.env)]
}

async function readEventPayload(): Promise<{ name: string; payload: unknown }> {
  const name = process.env.GITHUB_EVENT_NAME ?? ''
  const path = process.env.GITHUB_EVENT_PATH
  if (!path)
    throw new UserError('GITHUB_EVENT_PATH is not set; promptgate runs as a step of a GitHub Actions job')
  try {
    return { name, payload: JSON.parse(await readFile(path, 'utf8')) }
  } catch (error) {
    throw new UserError(`could not read the event payload: ${errorMessage(error)}`, { file: path })
  }
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env
  if (!server || !repository || !runId) return undefined
  return `${server}/${repository}/actions/runs/${runId}`
}

function emptyComparison(): Comparison {
  return {
    prompts: [],
    verdict: 'error',
    totals: { calls: 0, tokens: { base: 0, head: 0 }, cost: { base: 0, head: 0 }, durationMs: 0 }
  }
}

function failWith(error: unknown): void {
  if (isUserError(error)) {
    core.error(error.message, { file: error.file, startLine: error.line, startColumn: error.column })
  } else {
    core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
    core.error(`promptgate failed: ${errorMessage(error)}`)
  }
  process.exitCode = core.ExitCode.Failure
}

interface RunCache {
  dir: string
  results: ResultCache
  /** Who this run is: decides what it restores and where (whether) it saves. Set once the event is read. */
  namespace?: CacheNamespace
  keyParts?: CacheKeyParts
}

function cacheNote(outcome: CacheOutcome): void {
  const say = outcome.status === 'unavailable' || outcome.status === 'failed' ? core.notice : core.info
  say(`promptgate: ${outcome.message}`)
}

/** What both kinds of run share: providers, cache restore, progress, warnings. */
function pipelineOptions(
  inputs: ActionInputs,
  source: ChangeSource,
  cache: RunCache | undefined,
  options: {
    trustedConfigOnly: boolean
    trustedProviders?: TrustedProvidersOption
    secrets: string[]
    announce?: (plan: { prompts: number; calls: number }) => Promise<void>
  }
): PipelineOptions {
  const masked = new Set<string>()
  const keepSecret = (value: string): void => {
    if (masked.has(value)) return
    masked.add(value)
    core.setSecret(value)
    options.secrets.push(value)
  }
  let deadline: Deadline | undefined
  return {
    source,
    configPath: inputs.configPath,
    trustedConfigOnly: options.trustedConfigOnly,
    trustedProviders: options.trustedProviders,
    cache: cache?.results,
    maxCalls:
      inputs.maxCalls === undefined ? undefined : { limit: inputs.maxCalls, source: 'the max-calls input' },
    providers: (config, trust) => {
      // With a trusted set, a variable only the pull request names is never read, not even to mask it.
      const named = trust ? trust.trusted : config ? providersNamedInConfig(config) : []
      secretsOfProviders(named, process.env).forEach(keepSecret)
      return createProviderRegistry({
        modelsToken: inputs.modelsToken,
        modelsEndpoint: inputs.modelsEndpoint,
        env: process.env,
        workdir: process.env.GITHUB_WORKSPACE,
        timeoutMs: inputs.requestTimeoutMs,
        // Started when the providers are made, just before the plan: the evaluation's time.
        deadline: (deadline ??= createDeadline(inputs.deadlineMs, 'the "deadline" input')),
        maxRetries: 6,
        ...providerSettings(config),
        trust,
        onSecret: keepSecret
      })
    },
    onPlanned: async plan => {
      core.info(`promptgate: evaluating ${plan.prompts} prompt(s), ${plan.calls} model calls`)
      await options.announce?.(plan)
      if (cache?.namespace) {
        cache.keyParts = {
          namespace: cache.namespace,
          prompts: plan.promptsUnderTest,
          runId: process.env.GITHUB_RUN_ID ?? 'local',
          runAttempt: process.env.GITHUB_RUN_ATTEMPT
        }
        cacheNote(await restoreResultCache(cache.dir, cache.keyParts))
      }
    },
    debug: core.debug
  }
}

function showWarnings(warnings: PipelineOutcome['warnings']): void {
  for (const warning of warnings)
    core.warning(warning.message, { file: warning.file, startLine: warning.line })
}

interface RunState {
  publisher?: Publisher
  context?: ReportContext
  cache?: RunCache
  /** The evaluation's results once it finished, so an error after it still reports them. */
  comparison?: Comparison
}

/**
 * The pull request's files come from the API (the authoritative list, as the PR shows it). Their
 * contents come from the local git history when the checkout has both commits (`fetch-depth: 0`),
 * which saves two API calls per file; otherwise from the API, so no checkout is needed at all.
 */
async function pullRequestSource(octokit: Octokit, pr: PullRequestRef): Promise<ChangeSource> {
  const api = createApiChangeSource(octokit, pr, { warn: core.warning })
  const workspace = process.env.GITHUB_WORKSPACE
  const local =
    workspace !== undefined &&
    (await isShaAvailable(workspace, pr.baseSha)) &&
    (await isShaAvailable(workspace, pr.headSha))
  if (!local) return api
  core.info('promptgate: reading both versions from the local git history')
  const git = await createGitChangeSource(workspace, pr.baseSha, pr.headSha)
  return {
    baseRef: api.baseRef,
    headRef: api.headRef,
    listChangedFiles: () => api.listChangedFiles(),
    read: (ref, path) => git.read(ref, path),
    listFiles: ref => git.listFiles(ref)
  }
}

/**
 * Under pull_request_target the run holds secrets while evaluating pull-request content, so only the base
 * branch's providers may run; under pull_request that is the `trusted-providers: base` opt-in.
 */
function providerTrust(eventName: string, inputs: ActionInputs): TrustedProvidersOption | undefined {
  if (eventName === 'pull_request_target') return { reason: 'Under pull_request_target' }
  if (inputs.trustedProviders === 'base') return { reason: 'With trusted-providers: base' }
  return undefined
}

/** A pull request: evaluate base against head, comment, gate. */
async function evaluatePullRequest(
  state: RunState,
  inputs: ActionInputs,
  octokit: Octokit,
  event: { name: string; payload: unknown },
  secrets: string[]
): Promise<void> {
  const pr = readPullRequestEvent(event.name, event.payload)
  if (state.cache) state.cache.namespace = pullRequestNamespace(event.name, pr, event.payload)
  const publisher = (state.publisher = new Publisher(inputs, octokit, pr, secrets))
  const context: ReportContext = {
    verdict: 'error',
    runUrl: runUrl(),
    baseSha: pr.baseSha,
    headSha: pr.headSha,
    pullRequest: pr.number
  }
  state.context = context

  const source = await pullRequestSource(octokit, pr)
  const outcome = await runPipeline(
    pipelineOptions(inputs, source, state.cache, {
      trustedConfigOnly: event.name === 'pull_request_target',
      trustedProviders: providerTrust(event.name, inputs),
      secrets,
      announce: plan =>
        publisher.comment(renderProgress({ ...plan, headSha: pr.headSha, runUrl: context.runUrl }))
    })
  )
  showWarnings(outcome.warnings)
  state.comparison = outcome.comparison
  const registered = inputs.registry ? await registeredBases(octokit, pr, inputs, outcome) : undefined

  const final = await decideOverrideFor(outcome.comparison.verdict, octokit, pr, inputs.overrideLabel)
  state.context = {
    ...context,
    verdict: final.verdict,
    ...(final.accepted ? { overrideLabel: final.accepted.label, override: final.accepted } : {}),
    ...(final.refused ? { overrideRefused: final.refused } : {}),
    ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
    ...(registered && Object.keys(registered).length > 0 ? { baseVersions: registered } : {}),
    fullReportHint: 'the job summary of this run'
  }
  const changedLines = inputs.checkName
    ? await findChangedLines(source, outcome.comparison)
    : new Map<string, number>()
  await publisher.all(
    { comparison: outcome.comparison, context: state.context },
    { createComment: final.verdict !== 'skipped', changedLines }
  )
  core.setOutput('verdict', final.verdict)
  gate(final, inputs, outcome.comparison)
}

/** The registry is read, never written, on a pull request; a registry that cannot be read only costs the note. */
async function registeredBases(
  octokit: Octokit,
  pr: PullRequestRef,
  inputs: ActionInputs,
  outcome: PipelineOutcome
): Promise<Record<string, RegisteredBase> | undefined> {
  try {
    return await baseVersions(registryStore(octokit, pr, inputs.registryBranch), outcome.prompts)
  } catch (error) {
    core.warning(
      `promptgate: could not read the registry branch ${inputs.registryBranch}: ${errorMessage(error)}`
    )
    return undefined
  }
}

/** The override is looked up only for a regression; see `decideOverride` for when the label counts. */
async function decideOverrideFor(
  verdict: Verdict,
  octokit: Octokit,
  pr: PullRequestRef,
  label: string
): Promise<OverrideOutcome> {
  if (verdict !== 'regressed') return { verdict }
  return decideOverride(verdict, await gatherOverrideEvidence(octokit, pr, label))
}

/**
 * A push to the default branch, evaluated as the maintainers' own (their config, their providers):
 * the job summary and the verdict output; nothing to comment on.
 */
async function evaluatePush(
  state: RunState,
  inputs: ActionInputs,
  octokit: Octokit,
  push: DefaultBranchPush,
  source: ChangeSource,
  secrets: string[]
): Promise<PipelineOutcome> {
  if (state.cache) state.cache.namespace = { event: 'push', branch: push.branch }
  const publisher = (state.publisher = new Publisher(inputs, octokit, undefined, secrets))
  state.context = { verdict: 'error', runUrl: runUrl(), headSha: push.sha }
  // The default branch's own config is the maintainers', like the base config under pull_request_target.
  const outcome = await runPipeline(
    pipelineOptions(inputs, source, state.cache, {
      trustedConfigOnly: true,
      trustedProviders: { reason: 'On a push', whose: "the default branch's" },
      secrets
    })
  )
  showWarnings(outcome.warnings)
  const { verdict } = outcome.comparison
  state.comparison = outcome.comparison
  state.context = {
    ...state.context,
    verdict,
    ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {})
  }
  await publisher.all({ comparison: outcome.comparison, context: state.context }, { createComment: false })
  core.setOutput('verdict', verdict)
  if (verdict === 'error') gate({ verdict }, inputs, outcome.comparison)
  return outcome
}

/**
 * A push to the default branch: every prompt runs once, head side only, so the result cache holds
 * the base side of the pull requests opened against it. Nothing to gate; only errors fail.
 */
async function warmCache(
  state: RunState,
  inputs: ActionInputs,
  octokit: Octokit,
  payload: unknown,
  secrets: string[]
): Promise<void> {
  const push = readDefaultBranchPush(payload)
  if (!state.cache)
    core.notice('promptgate: the cache input is off, so a push evaluates nothing worth keeping')
  const source = createSnapshotSource(octokit, push, { warn: core.warning })
  const outcome = await evaluatePush(state, inputs, octokit, push, source, secrets)
  if (outcome.comparison.verdict !== 'error')
    core.info(`promptgate: evaluated ${push.branch} at ${push.sha.slice(0, 7)} for the result cache`)
}

/** How a push's changes are read: the local history when the checkout has both commits, else the API. */
async function pushSource(octokit: Octokit, push: DefaultBranchPush): Promise<ChangeSource> {
  const workspace = process.env.GITHUB_WORKSPACE
  if (
    push.before &&
    workspace !== undefined &&
    (await isShaAvailable(workspace, push.before)) &&
    (await isShaAvailable(workspace, push.sha))
  ) {
    core.info('promptgate: reading both versions from the local git history')
    return createGitChangeSource(workspace, push.before, push.sha)
  }
  return createPushSource(octokit, push, { warn: core.warning })
}

/**
 * A push to the default branch with `registry: true`: every prompt the push changed is evaluated
 * against its version before the push, and each new version is registered with the scores it got.
 */
async function registerOnPush(
  state: RunState,
  inputs: ActionInputs,
  octokit: Octokit,
  payload: unknown,
  secrets: string[]
): Promise<void> {
  const push = readDefaultBranchPush(payload)
  const outcome = await evaluatePush(state, inputs, octokit, push, await pushSource(octokit, push), secrets)
  if (outcome.comparison.verdict === 'error') {
    core.error(
      'promptgate: nothing was registered, because the scores of a version are unknown when its calls fail'
    )
    return
  }
  const store = registryStore(octokit, push, inputs.registryBranch)
  const registered = await registerPush(octokit, outcome, {
    store,
    at: push,
    actor: actorOf(push),
    overrideLabel: inputs.overrideLabel,
    warn: core.warning
  })
  const lines = registered.outcomes.map(entry =>
    entry.status === 'registered'
      ? `${entry.prompt}: registered v${entry.version} (${entry.digest.slice(0, 15)}); latest → v${entry.version}`
      : entry.status === 'latest-moved'
        ? `${entry.prompt}: the content of v${entry.version} again (a revert); latest → v${entry.version}`
        : `${entry.prompt}: v${entry.version} is already latest`
  )
  for (const line of lines) core.info(`promptgate: ${line}`)
  if (lines.length === 0) core.info('promptgate: the push changed no prompt; nothing to register')
  if (registered.sha) {
    core.setOutput('registry-commit', registered.sha)
    await writeSummary(summary => summary.addHeading('Registered prompt versions', 3).addList(lines))
    await mirror(octokit, inputs, push, registered.moves, registered.sha)
  }
  const canaries = await openAutoCanaries(store, outcome.config?.rollout, registered.outcomes, actorOf(push))
  for (const summary of canaries.summaries) core.info(`promptgate: auto_canary: ${summary}`)
  if (canaries.sha) {
    core.setOutput('registry-commit', canaries.sha)
    await mirror(octokit, inputs, push, canaries.moves, canaries.sha)
  }
}

/** Appends to the job summary; a summary that cannot be written never fails a finished move. */
async function writeSummary(build: (summary: typeof core.summary) => typeof core.summary): Promise<void> {
  await build(core.summary)
    .write()
    .catch(error => core.debug(`could not write the job summary: ${errorMessage(error)}`))
}

/** With `deployments: true`, the moves a registry commit made, as Deployments. */
function mirror(
  octokit: Octokit,
  inputs: ActionInputs,
  at: RepositoryRef,
  moves: Parameters<typeof mirrorMoves>[1],
  sha: string | undefined
): Promise<void> {
  return mirrorMoves(octokit, moves, sha, {
    at,
    enabled: inputs.deployments,
    logUrl: runUrl(),
    warn: core.warning
  })
}

function actorOf(push: DefaultBranchPush): string {
  return push.pusher ?? process.env.GITHUB_ACTOR ?? 'unknown'
}

/** `schedule` or `repository_dispatch`: one rollout watch with the default branch's plans. */
async function runRolloutWatch(inputs: ActionInputs, octokit: Octokit, payload: unknown): Promise<void> {
  const at = repositoryOf(payload)
  const sha = process.env.GITHUB_SHA
  if (!sha) throw new UserError('GITHUB_SHA is not set; promptgate runs as a step of a GitHub Actions job')
  const rollout = await trustedRollout(octokit, { ...at, sha }, inputs.configPath)
  const store = registryStore(octokit, at, inputs.registryBranch)
  const watched = await watchFromWorkflow(store, rollout, {
    actor: process.env.GITHUB_ACTOR ?? 'promptgate',
    ...(process.env.GITHUB_WORKSPACE ? { workspace: process.env.GITHUB_WORKSPACE } : {})
  })
  core.info(watched.summary)
  if (watched.sha) core.setOutput('registry-commit', watched.sha)
  await writeSummary(summary =>
    summary.addHeading('promptgate rollout watch', 3).addCodeBlock(watched.summary)
  )
  await mirror(octokit, inputs, at, watched.moves, watched.sha)
  if (!inputs.deployments) return
  for (const { prompt, line } of watched.unmoved) {
    const noted = await noteRolloutDecision(octokit, {
      ...at,
      prompt,
      promptName: promptStem(prompt),
      line,
      ...(runUrl() ? { logUrl: runUrl() } : {})
    })
    if (noted?.status === 'failed') core.warning(noted.warning)
  }
}

function repositoryOf(payload: unknown): RepositoryRef {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/')
  const fromPayload = payload as { repository?: { name?: string; owner?: { login?: string } } } | null
  const resolved = {
    owner: fromPayload?.repository?.owner?.login ?? owner ?? '',
    repo: fromPayload?.repository?.name ?? repo ?? ''
  }
  if (!resolved.owner || !resolved.repo)
    throw new UserError('the event names no repository, and GITHUB_REPOSITORY is not set')
  return resolved
}

/** workflow_dispatch: the `command` input moves a channel; who dispatched is the actor. */
async function runDispatchedCommand(inputs: ActionInputs, octokit: Octokit, payload: unknown): Promise<void> {
  if (!inputs.command) {
    throw new UserError(
      'on workflow_dispatch promptgate runs a registry command: pass the inputs "command" (promote, canary, rollback, pause, resume or abort) and "prompt"'
    )
  }
  const at = repositoryOf(payload)
  const store = registryStore(octokit, at, inputs.registryBranch)
  const outcome = await runCommand(store, inputs.command, process.env.GITHUB_ACTOR ?? 'unknown')
  core.info(`promptgate: ${outcome.summary}`)
  if (outcome.sha) core.setOutput('registry-commit', outcome.sha)
  await writeSummary(summary =>
    summary.addHeading(`promptgate ${inputs.command?.command ?? ''}`, 3).addRaw(outcome.summary, true)
  )
  await mirror(octokit, inputs, at, outcome.events, outcome.sha)
}

/** issue_comment: `/promptgate <command> <prompt> [vN] [N%]` from a user with write permission. */
async function runCommentCommand(inputs: ActionInputs, octokit: Octokit, payload: unknown): Promise<void> {
  const read = await readCommentCommand(octokit, payload)
  if (!read) {
    core.info('promptgate: the comment is not a /promptgate command; nothing to do')
    return
  }
  // A reply that cannot be posted must not fail a step whose move (or refusal) already happened.
  const reply = (body: string) =>
    replyToComment(octokit, read.target, body).catch(error =>
      core.warning(`promptgate: could not reply to the comment: ${errorMessage(error)}`)
    )
  if (read.status === 'refused') {
    core.notice(`promptgate: nothing moved for ${read.actor}: ${read.reason}`)
    await reply(`promptgate did nothing: ${read.reason}`)
    return
  }
  const store = registryStore(octokit, read.target, inputs.registryBranch)
  const request = {
    command: read.command,
    prompt: read.prompt,
    ...(read.version ? { version: read.version } : {}),
    ...(read.percent !== undefined ? { percent: read.percent } : {})
  }
  let outcome
  try {
    outcome = await runCommand(store, request, read.actor)
  } catch (error) {
    await reply(`promptgate could not ${read.command}: ${errorMessage(error)}`)
    throw error
  }
  core.info(`promptgate: ${outcome.summary}`)
  if (outcome.sha) core.setOutput('registry-commit', outcome.sha)
  const where = outcome.sha ? ` (registry commit ${outcome.sha.slice(0, 7)})` : ''
  await reply(`promptgate ${read.command} by ${read.actor}: ${outcome.summary}${where}`)
  await mirror(octokit, inputs, read.target, outcome.events, outcome.sha)
}

export async function run(): Promise<void> {
  const state: RunState = {}
  try {
    const inputs = readInputs()
    if (inputs.cachePath) {
      core.warning(
        `promptgate: the cache-path input is deprecated and ignored ("${inputs.cachePath}"); the result cache ` +
          'lives under RUNNER_TEMP, outside the checkout, and starts empty. Remove cache-path from the workflow.'
      )
    }
    if (inputs.cache) {
      const dir = resultCacheDirectory()
      await emptyResultCacheDirectory(dir)
      const results = createResultCache(dir, {
        // The endpoint is in the scope: a GitHub Models call's hash names the model, not the server.
        scope: inputs.modelsEndpoint,
        credentialOf: ref => credentialIdentity(ref, process.env)
      })
      state.cache = { dir, results }
    }
    const event = await readEventPayload()
    const octokit = createOctokit(inputs.githubToken, {
      baseUrl: process.env.GITHUB_API_URL,
      log: { debug: core.debug, info: core.info, warn: core.warning, error: core.error }
    })
    const secrets = secretValues(inputs)
    if (inputs.mode === 'publish') {
      const published = await publishFromWorkflowRun(state, inputs, octokit, event, secrets)
      core.setOutput('verdict', published.outcome.verdict)
      gate(published.outcome, inputs, published.comparison)
    } else if (event.name === 'workflow_dispatch') await runDispatchedCommand(inputs, octokit, event.payload)
    else if (event.name === 'issue_comment') await runCommentCommand(inputs, octokit, event.payload)
    else if (event.name === 'schedule' || event.name === 'repository_dispatch')
      await runRolloutWatch(inputs, octokit, event.payload)
    else if (event.name === 'push' && inputs.registry)
      await registerOnPush(state, inputs, octokit, event.payload, secrets)
    else if (event.name === 'push') await warmCache(state, inputs, octokit, event.payload, secrets)
    else await evaluatePullRequest(state, inputs, octokit, event, secrets)
  } catch (error) {
    core.setOutput('verdict', 'error' satisfies Verdict)
    const { publisher, context } = state
    if (publisher && context) {
      // Reviewers must see that the evaluation failed; a stale verdict must never stand.
      const input = {
        comparison: state.comparison ?? emptyComparison(),
        context: { ...context, verdict: 'error' as const, error: errorMessage(error) }
      }
      await publisher
        .all(input, { createComment: true })
        .catch(publishError =>
          core.warning(`could not publish the error report: ${errorMessage(publishError)}`)
        )
    }
    failWith(error)
  } finally {
    const { cache } = state
    if (cache?.keyParts) {
      cacheNote(await saveResultCache(cache.dir, cache.keyParts, { writes: cache.results.writes }))
    }
  }
}

function gate(outcome: OverrideOutcome, inputs: ActionInputs, comparison: Comparison): void {
  switch (outcome.verdict) {
    case 'regressed':
      if (inputs.failOnRegression) {
        const regressed = comparison.prompts.filter(prompt => prompt.regressed).map(prompt => prompt.path)
        core.setFailed(
          outcome.refused
            ? `promptgate: ${regressed.join(', ')} regressed past the threshold, and the label "${outcome.refused.label}" does not count: ${outcome.refused.reason}.`
            : `promptgate: ${regressed.join(', ')} regressed past the threshold. Fix the prompt, or have a maintainer add the label "${inputs.overrideLabel}" to accept the regression.`
        )
      } else {
        core.warning(
          'promptgate: the prompt change regressed; fail-on-regression is false, so the step passes'
        )
      }
      return
    case 'error': {
      const errors = comparison.prompts.reduce(
        (sum, prompt) => sum + prompt.errors.base + prompt.errors.head,
        0
      )
      core.setFailed(
        `promptgate: ${errors} model call(s) failed after retries, so the verdict is unknown; see the report for each error.`
      )
      return
    }
    case 'overridden':
      core.notice(
        `promptgate: the regression was accepted by the label "${outcome.accepted?.label}", added by ${outcome.accepted?.actor} at ${outcome.accepted?.at}`
      )
      return
    case 'skipped':
      core.info('promptgate: no prompt changed; nothing to evaluate')
      return
    default:
      core.info('promptgate: pass')
  }
}
