import { execFile } from 'node:child_process'
import { parseArgs } from 'node:util'
import { promisify } from 'node:util'
import { cliModels, positiveNumber } from './cli-providers.js'
import { createGitChangeSource, resolveRef } from './changes/git.js'
import { wholeTreeSource } from './changes/whole-tree.js'
import { UserError } from './errors.js'
import { runPipeline } from './pipeline.js'
import { registerVersions, runChannelCommand, type ChannelRequest } from './registry/commands.js'
import { registerRequestsFrom } from './registry/from-evaluation.js'
import { createLocalRegistryStore } from './registry/local-store.js'
import { renderShow, showRegistry } from './registry/show.js'
import { resolvePrompt } from './registry/resolve.js'
import { readRegistry } from './registry/transact.js'
import { DEFAULT_REGISTRY_BRANCH } from './registry/types.js'
import { loadRolloutConfig } from './rollout/load-rollout.js'
import { planMatcher } from './rollout/plan-for.js'
import { openFirstStage } from './rollout/stage-commands.js'
import { redactSecrets, secretsFromEnvironment } from './secrets.js'

export const REGISTRY_USAGE = `Usage: promptgate registry <command> [options]

The registry is the branch ${DEFAULT_REGISTRY_BRANCH} of the repository: every registered version of
every prompt with its scores, the channels latest, stable and canary, and the audit trail.

Commands:
  register [PROMPT...]        evaluate the prompts (default: every prompt) at --ref and register
                              each new version; latest moves to it (a revert moves latest back)
  promote PROMPT              stable serves --version N or --digest D (default: latest); the canary is cleared
  canary PROMPT PERCENT       the canary serves --version N (default: latest) to PERCENT (0 to 100) of keys
  canary PROMPT --plan        opens stage one of the rollout plan that matches PROMPT (rollout.plans in
                              --config); promptgate rollout watch takes it from there
  rollback PROMPT             stable goes back to the previous stable (or --version N); the canary is cleared
  pause PROMPT                the canary keeps its version and serves 0% of keys
  show [PROMPT]               channels, versions with their scores, the last events (--json for machines)

Options:
  --repo DIR                  git repository (default: the current directory)
  --registry-branch NAME      the registry branch (default: ${DEFAULT_REGISTRY_BRANCH})
  --ref REF                   register: the commit to register (default: HEAD), evaluated against its parent
  --version N, --digest D     the version a command moves a channel to
  --reason TEXT               written in the event (default: what the command did)
  --actor NAME                who moved it (default: git config user.name, else $USER)
  --json                      show: print JSON
  register also takes the model options of an evaluation: --config, --models-endpoint, --models-token,
  --cache, --concurrency, --request-timeout, --deadline (see promptgate --help).

Exit status: 0 done (or nothing to change); 2 error.`

const run = promisify(execFile)

export async function defaultActor(repo: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['config', 'user.name'], { cwd: repo, encoding: 'utf8' })
    if (stdout.trim()) return stdout.trim()
  } catch {
    // no git identity configured: fall back to the login name
  }
  return process.env.USER ?? process.env.USERNAME ?? 'unknown'
}

function wholeNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw.replace(/^v/i, ''))
  if (!Number.isInteger(value) || value < 1)
    throw new UserError(`${flag} takes a version number such as 3 or v3, not "${raw}"`)
  return value
}

function percentOf(raw: string | undefined): number {
  const value = Number((raw ?? '').replace(/%$/, ''))
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new UserError(
      `canary takes the percent of keys to serve, 0 to 100, e.g. "promptgate registry canary PROMPT 5"; got "${raw ?? ''}"`
    )
  }
  return value
}

export async function registryMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string', default: '.' },
      'registry-branch': { type: 'string', default: DEFAULT_REGISTRY_BRANCH },
      ref: { type: 'string', default: 'HEAD' },
      version: { type: 'string' },
      digest: { type: 'string' },
      reason: { type: 'string' },
      actor: { type: 'string' },
      json: { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
      config: { type: 'string', default: '.github/promptgate.yml' },
      'models-endpoint': { type: 'string' },
      'models-token': { type: 'string' },
      cache: { type: 'string' },
      concurrency: { type: 'string' },
      'request-timeout': { type: 'string' },
      deadline: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  const [command, ...rest] = positionals
  if (values.help || command === undefined) {
    process.stdout.write(`${REGISTRY_USAGE}\n`)
    return values.help ? 0 : 2
  }
  const store = await createLocalRegistryStore(values.repo, values['registry-branch'])
  const actor = values.actor ?? (await defaultActor(values.repo))
  const selector = { version: wholeNumber('--version', values.version), digest: values.digest }
  const needPrompt = (): string => {
    const prompt = rest[0]
    if (!prompt)
      throw new UserError(`${command} needs the prompt: its repository path, e.g. prompts/triage.prompt.yml`)
    return prompt
  }

  switch (command) {
    case 'register':
      return register(values, rest, store, actor)
    case 'show': {
      const shown = await showRegistry(await readRegistry(store), store.where, rest[0])
      process.stdout.write(`${values.json ? JSON.stringify(shown, null, 2) : renderShow(shown)}\n`)
      return 0
    }
    case 'canary':
      if (values.plan) return canaryWithPlan(needPrompt(), rest[1], values, store, actor, selector)
    // falls through: a canary with a percent
    case 'promote':
    case 'rollback':
    case 'pause': {
      const prompt = needPrompt()
      const request: ChannelRequest =
        command === 'canary'
          ? { command, prompt, percent: percentOf(rest[1]), ...selector }
          : command === 'pause'
            ? { command, prompt }
            : { command, prompt, ...selector }
      const outcome = await runChannelCommand(store, request, {
        actor,
        ...(values.reason ? { reason: values.reason } : {})
      })
      process.stdout.write(`${outcome.summary}\n`)
      if (outcome.sha)
        process.stderr.write(`promptgate: wrote ${outcome.sha.slice(0, 7)} on ${store.where}\n`)
      return 0
    }
    default:
      throw new UserError(
        `"${command}" is not a registry command; use register, promote, canary, rollback, pause or show (promptgate registry --help).`
      )
  }
}

async function register(
  values: Record<string, string | boolean | undefined>,
  prompts: string[],
  store: Awaited<ReturnType<typeof createLocalRegistryStore>>,
  actor: string
): Promise<number> {
  const repo = String(values.repo)
  const ref = String(values.ref)
  const head = await resolveRef(repo, ref)
  const base = await resolveRef(repo, `${head}^`).catch(() => head)
  const secrets = secretsFromEnvironment(process.env)
  const { cache, providers } = cliModels(
    {
      repo,
      modelsEndpoint: values['models-endpoint'] as string | undefined,
      modelsToken: values['models-token'] as string | undefined,
      requestTimeoutSeconds: positiveNumber(
        '--request-timeout',
        values['request-timeout'] as string | undefined,
        60
      ),
      deadlineMinutes: positiveNumber('--deadline', values.deadline as string | undefined, 60),
      cacheDir: values.cache as string | undefined
    },
    secrets
  )
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UserError('--concurrency takes a whole number of 1 or more')
  const source = wholeTreeSource(
    await createGitChangeSource(repo, base, head),
    prompts.length > 0 ? prompts : undefined
  )
  const outcome = await runPipeline({
    source,
    configPath: String(values.config),
    providers,
    concurrency,
    cache,
    onPlanned: plan => {
      process.stderr.write(`promptgate: evaluating ${plan.prompts} prompt(s), ${plan.calls} model calls\n`)
    }
  })
  for (const warning of outcome.warnings) {
    const where = warning.file ? `${warning.file}${warning.line ? `:${warning.line}` : ''}: ` : ''
    process.stderr.write(`promptgate: warning: ${where}${warning.message}\n`)
  }
  const found = new Set(outcome.prompts.map(prompt => prompt.path))
  const missing = prompts.filter(prompt => !found.has(prompt))
  if (missing.length > 0) {
    throw new UserError(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a prompt at ${ref} (a *.prompt.yml file, or a template the config maps to a golden set).`
    )
  }
  if (outcome.comparison.verdict === 'error') {
    const first = outcome.comparison.prompts
      .flatMap(prompt => prompt.cases.map(row => row.head?.call.error ?? row.base?.call.error))
      .find(error => error !== undefined)
    process.stderr.write(
      redactSecrets(
        `promptgate: some model calls failed, so the scores are unknown; nothing was registered. Fix the provider and retry.${first ? ` The first error: ${first}` : ''}\n`,
        secrets
      )
    )
    return 2
  }
  const requests = registerRequestsFrom(outcome, head)
  if (requests.length === 0) {
    process.stdout.write(`No prompt to register at ${ref}.\n`)
    return 0
  }
  const { outcomes, sha } = await registerVersions(store, requests, { actor })
  for (const registered of outcomes) {
    const request = requests.find(candidate => candidate.prompt === registered.prompt)
    const scores = Object.entries(request?.eval?.metrics ?? {})
      .filter(([name]) => name === 'pass_rate' || name === 'score')
      .map(([name, metric]) => `${name} ${Number(metric.value.toFixed(3))} (n=${metric.n})`)
      .join(', ')
    const what =
      registered.status === 'registered'
        ? `registered v${registered.version} (${registered.digest.slice(0, 15)}), latest → v${registered.version}`
        : registered.status === 'latest-moved'
          ? `same content as v${registered.version}: nothing new registered, latest → v${registered.version}`
          : `v${registered.version} is already latest; nothing to register`
    process.stdout.write(
      `${registered.prompt}: ${what}${scores && registered.status === 'registered' ? `; ${scores}` : ''}\n`
    )
  }
  if (sha) process.stderr.write(`promptgate: wrote ${sha.slice(0, 7)} on ${store.where}\n`)
  return 0
}

async function canaryWithPlan(
  prompt: string,
  percent: string | undefined,
  values: Record<string, string | boolean | undefined>,
  store: Awaited<ReturnType<typeof createLocalRegistryStore>>,
  actor: string,
  selector: { version?: number; digest?: string }
): Promise<number> {
  if (percent !== undefined)
    throw new UserError(
      `canary --plan opens the plan's first stage; drop the percent "${percent}" (or drop --plan)`
    )
  const configPath = String(values.config)
  const rollout = await loadRolloutConfig(String(values.repo), configPath)
  const id = resolvePrompt((await readRegistry(store)).histories, prompt, store.where).prompt
  const plan = rollout && planMatcher(rollout.plans)(id)
  if (!plan)
    throw new UserError(
      `no rollout plan in ${configPath} matches ${prompt} (rollout.plans[].prompts); add one, or give the canary a percent.`,
      { file: configPath }
    )
  const outcome = await openFirstStage(
    store,
    {
      prompt,
      ...(selector.version !== undefined ? { version: selector.version } : {}),
      ...(selector.digest ? { digest: selector.digest } : {})
    },
    plan,
    { actor, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) }
  )
  process.stdout.write(`${outcome.summary}\n`)
  if (outcome.sha) process.stderr.write(`promptgate: wrote ${outcome.sha.slice(0, 7)} on ${store.where}\n`)
  return 0
}
