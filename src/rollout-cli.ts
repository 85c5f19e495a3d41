import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { parseArgs } from 'node:util'
import { readConfig } from './config/load.js'
import { UserError } from './errors.js'
import { parseDuration } from './rollout/durations.js'
import { decide } from './rollout/decide.js'
import { loadRolloutConfig } from './rollout/load-rollout.js'
import { ndjsonFileSource, readNdjsonSource } from './rollout/ndjson-source.js'
import { STAGE_COMMANDS, STAGE_USAGE, stageMain, type StageCommand } from './rollout/stage-cli.js'
import { watchMain } from './rollout/watch-cli.js'
import { planFor } from './rollout/plan.js'
import {
  formatOutcome,
  formatWatch,
  sidesOf,
  simulateRollouts,
  type SimulationPrompt
} from './rollout/simulate.js'

export const ROLLOUT_USAGE = `Usage: promptgate rollout <command> [options]

Staged rollouts: a canary moves through the stages of the config's rollout plan while its
guardrails hold, and rolls back when one is breached.

Commands:
  watch                       decide every planned canary on live metrics: advance, hold, roll back
                              or pause (promptgate rollout watch --help)
  simulate --metrics FILE     replay recorded metric events (NDJSON) through the decision rule and
                              print the decision every watch would have made
${STAGE_USAGE}

simulate options:
  --metrics FILE              lines {"at", "prompt", "digest", "guardrail", "bad", "total"} or {..., "value"},
                              counts since the previous line of the same key; "side": "stable" | "canary"
                              says which digest is which (default: the first digest of a prompt is stable);
                              default: the config's rollout.metrics.ndjson path, when it has one
  --every DURATION            how often a watch runs (default: 15m)
  --config FILE               config file in the repository (default: .github/promptgate.yml)
  --repo DIR                  the repository (default: the current directory)
  --prompt PROMPT             replay only this prompt
  --start-percent N           open the canary at this stage of the plan instead of the first

Exit status: 0 replayed (whatever the decisions); 2 error.`

async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metrics: { type: 'string' },
      every: { type: 'string', default: '15m' },
      config: { type: 'string', default: '.github/promptgate.yml' },
      repo: { type: 'string', default: '.' },
      prompt: { type: 'string' },
      'start-percent': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(`${ROLLOUT_USAGE}\n`)
    return 0
  }
  if (positionals.length > 0)
    throw new UserError(`simulate takes no arguments but options; got "${positionals[0]}"`)
  let everySeconds: number
  try {
    everySeconds = parseDuration(values.every)
  } catch (error) {
    throw new UserError(`--every: ${(error as Error).message}`)
  }
  if (everySeconds < 1) throw new UserError(`--every must be at least 1s, not "${values.every}"`)
  const configPath = isAbsolute(values.config) ? values.config : join(values.repo, values.config)
  const config = await readConfig(path => readFile(path, 'utf8').catch(() => undefined), configPath)
  if (!config)
    throw new UserError(
      `there is no config file; rollout plans live under "rollout:" in it (--config, --repo)`,
      {
        file: configPath
      }
    )
  if (!config.rollout)
    throw new UserError(`the config has no "rollout:" key; add a plan (see the README's "Staged rollouts")`, {
      file: configPath
    })
  const configured = config.rollout.metrics
  const metrics =
    values.metrics ??
    (configured && 'ndjson' in configured ? join(values.repo, configured.ndjson.path) : undefined)
  if (metrics === undefined || metrics === '')
    throw new UserError(
      'simulate needs --metrics FILE.ndjson (or an "ndjson" metrics source in the config) (promptgate rollout --help)'
    )
  const { source, events } = await readNdjsonSource(metrics)
  const promptIds = [...new Set(events.map(event => event.prompt))].filter(
    prompt => values.prompt === undefined || prompt === values.prompt
  )
  if (promptIds.length === 0)
    throw new UserError(
      values.prompt === undefined
        ? 'the metrics file has no events'
        : `the metrics file has no events for ${values.prompt}`,
      { file: metrics }
    )
  const startPercent =
    values['start-percent'] === undefined ? undefined : Number(values['start-percent'].replace(/%$/, ''))
  const prompts = promptIds.map((prompt): SimulationPrompt => {
    const plan = planFor(config, prompt)
    if (!plan)
      throw new UserError(
        `no rollout plan matches ${prompt}; add its path to the "prompts" globs of a plan`,
        {
          file: configPath
        }
      )
    if (startPercent !== undefined && !plan.stages.filter(stage => stage < 100).includes(startPercent))
      throw new UserError(
        `--start-percent must be one of the stages of the plan for ${prompt} (${plan.stages.filter(stage => stage < 100).join(', ')}), not "${values['start-percent']}"`
      )
    return { prompt, plan, ...sidesOf(events, prompt, metrics) }
  })
  const { watches, outcomes } = await simulateRollouts({
    prompts,
    events,
    source,
    everySeconds,
    ...(startPercent === undefined ? {} : { startPercent })
  })
  for (const watch of watches) process.stdout.write(`${formatWatch(watch)}\n`)
  process.stdout.write(`\n${outcomes.map(formatOutcome).join('\n')}\n`)
  return 0
}

export async function rolloutMain(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'simulate':
      return simulateCommand(rest)
    case 'watch':
      return watchMain(rest, { loadRollout: loadRolloutConfig, decide, ndjson: ndjsonFileSource })
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(`${ROLLOUT_USAGE}\n`)
      return command === undefined ? 2 : 0
    default:
      if (STAGE_COMMANDS.includes(command as StageCommand)) return stageMain(command as StageCommand, rest)
      throw new UserError(
        `"${command}" is not a rollout command; use watch, simulate, pause, resume or abort (promptgate rollout --help).`
      )
  }
}
