// An example service's LLM metrics with prom-client, labelled the way the rollout guardrails query
// them, and a shadow run of the candidate version on the same input, off the user's path.
//   node examples/service/metrics.mjs [requests]     (default 40; prints the Prometheus exposition text)
// The model is a stand-in (rules, no network), so the run is offline and gives the same figures every time.
// In a real service, serve `registry.metrics()` on /metrics for Prometheus to scrape.
import { fileURLToPath } from 'node:url'
import client from 'prom-client'
import { createPromptLoader } from 'promptgate/runtime'

const PROMPT = 'prompts/triage.prompt.yml'
const requestCount = Number(process.argv[2] ?? 40)

// The label names are the contract: the guardrails select on prompt_digest (`$digest`).
const labelNames = ['prompt', 'prompt_digest', 'channel', 'prompt_version']
const registry = new client.Registry()
const requests = new client.Counter({
  name: 'app_llm_requests_total',
  help: 'LLM calls, by prompt version.',
  labelNames,
  registers: [registry]
})
const errors = new client.Counter({
  name: 'app_llm_errors_total',
  help: 'LLM calls that failed, by prompt version.',
  labelNames,
  registers: [registry]
})
const feedback = new client.Counter({
  name: 'app_feedback_total',
  help: "Users' verdicts on an answer, by the prompt version that gave it.",
  labelNames: [...labelNames, 'verdict'],
  registers: [registry]
})
const latency = new client.Histogram({
  name: 'app_llm_latency_seconds',
  help: 'LLM call latency, by prompt version.',
  labelNames,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [registry]
})

const prompts = createPromptLoader({
  sources: [{ file: fileURLToPath(new URL('snapshot.json', import.meta.url)) }],
  refreshSeconds: 0
})
await prompts.ready()

/** One LLM call, measured: every metric of the call carries the answer's labels. */
async function callModel(prompt, vars) {
  const stopTimer = latency.startTimer(prompt.labels)
  requests.inc(prompt.labels)
  try {
    return await standInModel(prompt.render(vars))
  } catch (error) {
    errors.inc(prompt.labels)
    throw error
  } finally {
    stopTimer()
  }
}

const shadows = new Set()

/**
 * A request: the user's answer, then the candidate on the same input, whatever the answer was (so
 * the candidate sees every input stable does). Nobody waits for the shadow; its result is only measured.
 */
async function handle(userId, issue) {
  const served = prompts.get(PROMPT, { key: userId })
  const candidate = prompts.shadow(PROMPT, { key: userId }) // undefined when the user was served it
  try {
    const label = await callModel(served, issue)
    // Feedback exists only for what the user saw: the served answer's labels, never the shadow's.
    feedback.inc({ ...served.labels, verdict: label === issue.expected ? 'positive' : 'negative' })
    return label
  } catch {
    return 'error'
  } finally {
    if (candidate) shadowRun(candidate, issue)
  }
}

function shadowRun(candidate, issue) {
  const run = callModel(candidate, issue)
    .catch(() => {}) // counted in app_llm_errors_total; never reaches the user
    .finally(() => shadows.delete(run))
  shadows.add(run)
}

// The requests: user i files issue i mod 6; `expected` is the label the user agrees with.
const ISSUES = [
  issue('App crashes on start', 'Since 2.3 the app exits with "segfault".', 'bug'),
  issue('Dark mode', 'Please add a dark theme.', 'feature'),
  issue('Export no longer works', 'CSV export stopped in 2.4: a regression.', 'bug'),
  issue('How do I reset my password?', 'How do I reset it without email?', 'question'),
  issue('Typo in README', 'The install section says "npm instal".', 'docs'),
  issue('Sync', '', 'bug')
]

for (let i = 0; i < requestCount; i++) {
  const answer = await handle(`user-${i}`, ISSUES[i % ISSUES.length])
  console.error(`user-${i}: ${answer}`)
}
await Promise.all(shadows)
process.stdout.write(await registry.metrics())
prompts.close()

/**
 * A STAND-IN MODEL: labels an issue by keywords. Only the newer prompt's rule ("a regression is a
 * bug; a how-do-I is a question") labels those two kinds right, and an empty body "times out".
 */
async function standInModel(messages) {
  const system = messages[0].content
  const text = messages
    .slice(1)
    .map(message => message.content)
    .join('\n')
    .toLowerCase()
  if (/\n\n$/.test(text)) throw new Error('the model did not answer in time')
  if (/crash|error|exception/.test(text)) return 'bug'
  if (/regression/.test(system) && /regression|no longer/.test(text)) return 'bug'
  if (/how do i/.test(system.toLowerCase()) && /how do i/.test(text)) return 'question'
  if (/docs|readme|typo/.test(text)) return 'docs'
  return 'feature'
}

function issue(title, body, expected) {
  return { title, reporter: { login: 'octocat' }, body, expected }
}
