import { ASSUMED_OUTPUT_TOKENS } from '../eval/budget.js'
import { isRunnable } from '../eval/plan.js'
import type { DryRun } from '../pipeline.js'
import { PRICES_AS_OF } from '../providers/prices.js'

function dollars(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`
}

/** The CLI's `--dry-run` answer: the plan, its calls against the cap, and an estimate of the cost. */
export function renderDryRun(plan: DryRun): string {
  const lines = ['promptgate dry run: the plan below made no model call.', '']
  const runnable = plan.prompts.filter(isRunnable)
  if (runnable.length === 0) lines.push('No changed prompt to evaluate.')
  for (const prompt of runnable) {
    const repeats = prompt.repeat ?? 1
    lines.push(
      `- ${prompt.path} (${prompt.suite}; ${prompt.reason}): ${prompt.cases.length} case(s) x ${repeats} repeat(s), ` +
        `${prompt.base ? 'base and head' : 'head only'}`
    )
  }
  const { calls, cost, cap } = plan
  lines.push(
    '',
    `Model calls: ${calls.base} base + ${calls.head} head outputs planned; ${calls.outputs} made once identical ones ` +
      `are merged, plus ${calls.judges} judge call(s): ${calls.total} in all.`
  )
  if (!cap) lines.push('Cap: none (set --max-calls or max_calls in the config to cap a run).')
  else if (calls.total <= cap.limit) lines.push(`Cap: ${cap.limit} (${cap.source}); this plan fits.`)
  else
    lines.push(
      `Cap: ${cap.limit} (${cap.source}); this plan needs ${calls.total}, so a real run would stop before its first call.`
    )
  const unpriced =
    cost.unpriced.length > 0
      ? ` No price is known for ${cost.unpriced.join(', ')}, so their calls are left out.`
      : ''
  lines.push(
    `Estimated cost: about ${dollars(cost.usd)} for the output calls (an estimate: ~${cost.inputTokens} input tokens ` +
      `at four characters a token, ~${cost.outputTokens} output tokens from max_tokens or ${ASSUMED_OUTPUT_TOKENS} ` +
      `a call, at the config's prices or the built-in table of ${PRICES_AS_OF}; judge calls not included).${unpriced}`
  )
  return lines.join('\n')
}
