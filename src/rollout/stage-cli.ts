import { parseArgs } from 'node:util'
import { UserError } from '../errors.js'
import { createLocalRegistryStore } from '../registry/local-store.js'
import { DEFAULT_REGISTRY_BRANCH } from '../registry/types.js'
import { defaultActor } from '../registry-cli.js'
import { abortRollout, pauseRollout, resumeRollout } from './stage-commands.js'

export const STAGE_COMMANDS = ['pause', 'resume', 'abort'] as const
export type StageCommand = (typeof STAGE_COMMANDS)[number]

export const STAGE_USAGE = `  pause PROMPT             the canary keeps its version and stage, serving 0% (watch skips it)
  resume PROMPT            the canary serves the percent it was paused at again
  abort PROMPT             the canary is cleared (reason "aborted"); stable stays
  (options: --repo DIR, --registry-branch NAME, --actor NAME, --reason TEXT)`

/** `promptgate rollout pause|resume|abort PROMPT` on a local repository. */
export async function stageMain(command: StageCommand, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string', default: '.' },
      'registry-branch': { type: 'string', default: DEFAULT_REGISTRY_BRANCH },
      actor: { type: 'string' },
      reason: { type: 'string' }
    },
    strict: true
  })
  const prompt = positionals[0]
  if (!prompt)
    throw new UserError(
      `rollout ${command} needs the prompt: its repository path, e.g. prompts/triage.prompt.yml`
    )
  const store = await createLocalRegistryStore(values.repo, values['registry-branch'])
  const context = {
    actor: values.actor ?? (await defaultActor(values.repo)),
    ...(values.reason ? { reason: values.reason } : {})
  }
  const run = { pause: pauseRollout, resume: resumeRollout, abort: abortRollout }[command]
  const outcome = await run(store, prompt, context)
  process.stdout.write(`${outcome.summary}\n`)
  if (outcome.sha) process.stderr.write(`promptgate: wrote ${outcome.sha.slice(0, 7)} on ${store.where}\n`)
  return 0
}
