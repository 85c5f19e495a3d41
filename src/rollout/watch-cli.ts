import { parseArgs } from 'node:util'
import { UserError } from '../errors.js'
import { createLocalRegistryStore } from '../registry/local-store.js'
import { DEFAULT_REGISTRY_BRANCH } from '../registry/types.js'
import { defaultActor } from '../registry-cli.js'
import { metricsSourceFor, type SourceOverrides } from './metrics-source.js'
import { planMatcher } from './plan-for.js'
import { renderWatch } from './render-watch.js'
import type { Decision, DecisionInput, RolloutConfig } from './types.js'
import { watchRollouts } from './watch.js'

export const WATCH_USAGE = `Usage: promptgate rollout watch [options]

For every prompt whose canary a rollout plan (rollout.plans in the config) matches: reads each guardrail
for the stable and the canary version over the stage so far, decides (advance, hold, rollback or pause),
and writes one rollout_decision event per prompt, and the channel moves it makes, to the registry branch.

Options:
  --repo DIR               git repository (default: the current directory)
  --config FILE            config file in the repository (default: .github/promptgate.yml)
  --registry-branch NAME   the registry branch (default: ${DEFAULT_REGISTRY_BRANCH})
  --metrics-url URL        a Prometheus-compatible query API, in place of rollout.metrics
  --timeout S              seconds one metrics request may take (default: 30)
  --actor NAME             who decided (default: git config user.name, else $USER)
  --json                   print the decisions as JSON

Exit status: 0 decided (whatever the decisions); 2 error (an unreachable metrics source is one).`

export interface WatchDependencies {
  /** The config's `rollout` key, read from `configPath` in `repo`. */
  loadRollout: (repo: string, configPath: string) => Promise<RolloutConfig | undefined>
  decide: (input: DecisionInput) => Decision
  ndjson?: SourceOverrides['ndjson']
}

export async function watchMain(argv: string[], dependencies: WatchDependencies): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: 'string', default: '.' },
      config: { type: 'string', default: '.github/promptgate.yml' },
      'registry-branch': { type: 'string', default: DEFAULT_REGISTRY_BRANCH },
      'metrics-url': { type: 'string' },
      timeout: { type: 'string' },
      actor: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(`${WATCH_USAGE}\n`)
    return 0
  }
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0))
    throw new UserError(`--timeout takes a number of seconds above 0, not "${values.timeout}"`)
  const rollout = await dependencies.loadRollout(values.repo, values.config)
  if (!rollout || rollout.plans.length === 0)
    throw new UserError(
      `${values.config} has no rollout plans (rollout.plans); rollout watch has nothing to follow.`,
      {
        file: values.config
      }
    )
  const source = metricsSourceFor(rollout.metrics, {
    ...(values['metrics-url'] ? { metricsUrl: values['metrics-url'] } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    ...(dependencies.ndjson ? { ndjson: dependencies.ndjson } : {})
  })
  const store = await createLocalRegistryStore(values.repo, values['registry-branch'])
  const outcome = await watchRollouts({
    store,
    planFor: planMatcher(rollout.plans),
    source,
    decide: dependencies.decide,
    actor: values.actor ?? (await defaultActor(values.repo))
  })
  process.stdout.write(`${values.json ? JSON.stringify(outcome, null, 2) : renderWatch(outcome.prompts)}\n`)
  if (outcome.sha) process.stderr.write(`promptgate: wrote ${outcome.sha.slice(0, 7)} on ${store.where}\n`)
  return 0
}
