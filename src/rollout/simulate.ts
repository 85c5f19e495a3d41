import { UserError } from '../errors.js'
import { decide } from './decide.js'
import type { MetricEvent } from './ndjson-source.js'
import type { Decision, MetricsSource, RolloutPlan } from './types.js'

export interface SimulationPrompt {
  prompt: string
  plan: RolloutPlan
  stable: string
  canary: string
}

export interface SimulatedWatch {
  at: Date
  prompt: string
  decision: Decision
}

export interface SimulationOutcome {
  prompt: string
  /** How the replay ended: the last decision that moved the canary, or the stage it holds at. */
  ending: 'promoted' | 'rolled back' | 'paused' | 'holding'
  stage: number
  watches: number
}

/**
 * Which digest of a prompt is stable and which is the canary. A line may say so (`"side"`); a digest
 * no line labels takes the side left over, and when no line of the prompt has a side, the first
 * digest in the file is stable and the second the canary. More than two digests is an error.
 */
export function sidesOf(
  events: readonly MetricEvent[],
  prompt: string,
  file: string
): { stable: string; canary: string } {
  const mine = events.filter(event => event.prompt === prompt)
  const labelled = new Map<string, { side: 'stable' | 'canary'; line: number }>()
  for (const event of mine) {
    if (!event.side) continue
    const earlier = labelled.get(event.digest)
    if (earlier && earlier.side !== event.side)
      throw new UserError(
        `digest ${event.digest} of ${prompt} is "${earlier.side}" on line ${earlier.line} and "${event.side}" here`,
        {
          file,
          line: event.line
        }
      )
    const other = [...labelled].find(
      ([digest, label]) => digest !== event.digest && label.side === event.side
    )
    if (other)
      throw new UserError(
        `${prompt} has two ${event.side} digests, ${other[0]} (line ${other[1].line}) and ${event.digest}`,
        {
          file,
          line: event.line
        }
      )
    labelled.set(event.digest, { side: event.side, line: event.line })
  }
  const digests = [...new Set(mine.map(event => event.digest))]
  if (digests.length > 2) {
    const third = mine.find(event => event.digest === digests[2])!
    throw new UserError(
      `${prompt} has a third digest, ${digests[2]}; a rollout compares one stable and one canary digest`,
      {
        file,
        line: third.line
      }
    )
  }
  if (digests.length < 2)
    throw new UserError(
      `${prompt} has events for one digest only; simulate needs a stable and a canary digest`,
      {
        file,
        line: mine[0]?.line
      }
    )
  const sideOf = (digest: string) => labelled.get(digest)?.side
  const [first, second] = digests as [string, string]
  const firstSide = sideOf(first) ?? (sideOf(second) === 'stable' ? 'canary' : 'stable')
  return firstSide === 'stable' ? { stable: first, canary: second } : { stable: second, canary: first }
}

/**
 * Replays recorded events through `decide` as a watch schedule would have: each prompt's canary
 * opens its first stage (or `startPercent`) at the prompt's first event, a watch runs every
 * `everySeconds`, and each decision is applied (advance opens the next stage at that watch; rollback,
 * pause and promotion end the replay). Watches run until the first one at or after the last event.
 */
export async function simulateRollouts(options: {
  prompts: SimulationPrompt[]
  events: readonly MetricEvent[]
  source: MetricsSource
  everySeconds: number
  startPercent?: number
}): Promise<{ watches: SimulatedWatch[]; outcomes: SimulationOutcome[] }> {
  const watches: SimulatedWatch[] = []
  const outcomes: SimulationOutcome[] = []
  const every = options.everySeconds * 1000
  for (const { prompt, plan, stable, canary } of options.prompts) {
    const times = options.events.filter(event => event.prompt === prompt).map(event => event.at.getTime())
    const first = Math.min(...times)
    const last = Math.max(...times)
    let stage = options.startPercent ?? plan.stages[0]!
    let stageStart = first
    let looks = 0
    let outcome: SimulationOutcome = { prompt, ending: 'holding', stage, watches: 0 }
    for (let tick = first + every; tick - every < last; tick += every) {
      const window = {
        start: new Date(stageStart),
        end: new Date(tick),
        seconds: Math.max(5, Math.floor((tick - stageStart) / 1000))
      }
      const readings = await Promise.all(
        plan.guardrails.map(async guardrail => ({
          guardrail,
          stable: await options.source.read(guardrail, stable, window),
          canary: await options.source.read(guardrail, canary, window)
        }))
      )
      const decision = decide({
        plan,
        stage,
        elapsedSeconds: (tick - stageStart) / 1000,
        previousLooks: looks,
        readings
      })
      watches.push({ at: new Date(tick), prompt, decision })
      outcome = { ...outcome, watches: outcome.watches + 1, stage }
      if (decision.decision === 'hold') {
        looks += 1
        continue
      }
      if (decision.decision === 'advance' && decision.next_stage! < 100) {
        stage = decision.next_stage!
        stageStart = tick
        looks = 0
        outcome.stage = stage
        continue
      }
      outcome.ending =
        decision.decision === 'advance'
          ? 'promoted'
          : decision.decision === 'rollback'
            ? 'rolled back'
            : 'paused'
      if (decision.decision === 'advance') outcome.stage = 100
      break
    }
    outcomes.push(outcome)
  }
  watches.sort((a, b) => a.at.getTime() - b.at.getTime())
  return { watches, outcomes }
}

const isoSeconds = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** One watch as a line: time, prompt, decision, stage (-> next stage), reason. */
export function formatWatch(watch: SimulatedWatch): string {
  const { decision } = watch
  const stage = `stage ${decision.stage}%${decision.next_stage === undefined ? '' : ` -> ${decision.next_stage}%`}`
  return `${isoSeconds(watch.at)}  ${watch.prompt}  ${decision.decision.padEnd(8)}  ${stage}  ${decision.reason}`
}

export function formatOutcome(outcome: SimulationOutcome): string {
  const watches = `${outcome.watches} watch${outcome.watches === 1 ? '' : 'es'}`
  switch (outcome.ending) {
    case 'promoted':
      return `${outcome.prompt}: promoted to 100% after ${watches}`
    case 'holding':
      return `${outcome.prompt}: still at stage ${outcome.stage}% when the events end, after ${watches}`
    default:
      return `${outcome.prompt}: ${outcome.ending} at stage ${outcome.stage}% after ${watches}`
  }
}
