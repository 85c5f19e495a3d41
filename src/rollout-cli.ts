/**
 * PROVISIONAL `promptgate rollout` dispatcher (wt-decide's rollout-cli.ts replaces it at merge; its switch
 * takes `watch` → watchMain and pause/resume/abort → stageMain from here).
 */
import { UserError } from './errors.js'
import { decide } from './rollout/decide.js'
import { loadRolloutConfig } from './rollout/load-rollout.js'
import { STAGE_COMMANDS, STAGE_USAGE, stageMain, type StageCommand } from './rollout/stage-cli.js'
import { watchMain } from './rollout/watch-cli.js'

export const ROLLOUT_USAGE = `Usage: promptgate rollout <command> [options]

Commands:
  watch                    decide every planned canary on live metrics (promptgate rollout watch --help)
${STAGE_USAGE}`

export async function rolloutMain(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'watch') return watchMain(rest, { loadRollout: loadRolloutConfig, decide })
  if (STAGE_COMMANDS.includes(command as StageCommand)) return stageMain(command as StageCommand, rest)
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${ROLLOUT_USAGE}\n`)
    return command === undefined ? 2 : 0
  }
  throw new UserError(
    `"${command}" is not a rollout command; use watch, pause, resume or abort (promptgate rollout --help).`
  )
}
