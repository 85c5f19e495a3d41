import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { loadConfig } from '../../../src/config/load.js'
import { parseMetricEvents } from '../../../src/rollout/ndjson-source.js'
import { planFor } from '../../../src/rollout/plan.js'

/** The first fenced block of `language` under a heading of the README. */
async function block(heading: string, language: string): Promise<string> {
  const text = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')
  const start = text.indexOf(heading)
  if (start < 0) throw new Error(`no heading ${heading}`)
  const found = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(text.slice(start))?.[1]
  if (!found) throw new Error(`no ${language} block under ${heading}`)
  return found
}

describe('the README staged-rollouts section', () => {
  it('shows a plan that loads, with the defaults and kinds it describes', async () => {
    const config = loadConfig(await block('### Plans', 'yaml'), '.github/promptgate.yml', {
      PROMETHEUS_URL: 'http://127.0.0.1:9090',
      PROMETHEUS_TOKEN: 'token'
    })
    expect(config.rollout?.autoCanary).toBe(true)
    const plan = planFor(config, 'prompts/triage.prompt.yml')
    expect(plan).toMatchObject({
      stages: [5, 25, 50, 100],
      minDurationSeconds: 3600,
      minSamples: 500,
      onRegression: 'rollback'
    })
    expect(plan?.guardrails.map(guardrail => [guardrail.name, guardrail.kind])).toEqual([
      ['negative feedback', 'rate'],
      ['errors', 'rate'],
      ['p95 latency', 'value']
    ])
  })

  it('shows metric lines the NDJSON source reads', async () => {
    const events = parseMetricEvents(
      await block('### Tuning a plan with `rollout simulate`', 'json'),
      'README.md'
    )
    expect(events.map(event => [event.side, event.guardrail])).toEqual([
      ['stable', 'negative feedback'],
      ['canary', 'p95 latency']
    ])
  })
})
