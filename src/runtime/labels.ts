import type { LoadedPrompt, MetricLabels } from './types.js'

/**
 * The labels a service puts on its LLM metrics for one answer. The names are the contract the rollout
 * guardrails query (`app_feedback_total{prompt_digest="$digest"}`); every value is a string, as
 * Prometheus label values are.
 */
export function metricLabels(
  answer: Pick<LoadedPrompt, 'prompt' | 'digest' | 'channel' | 'version'>
): MetricLabels {
  return Object.freeze({
    prompt: String(answer.prompt),
    prompt_digest: String(answer.digest),
    channel: String(answer.channel),
    prompt_version: String(answer.version)
  }) as MetricLabels
}
