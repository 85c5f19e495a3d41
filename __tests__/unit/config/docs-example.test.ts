import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { loadConfig } from '../../../src/config/load.js'
import { configuredThresholds } from '../../../src/suites/thresholds.js'

/** The first ```yaml block under a heading of the README. */
async function example(heading: string): Promise<string> {
  const text = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')
  const section = text.slice(text.indexOf(heading))
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  if (!block) throw new Error(`no yaml block under ${heading}`)
  return block
}

describe('the README config section', () => {
  it('shows a complete example that loads, with every documented top-level key', async () => {
    const config = loadConfig(await example('### A complete example'), '.github/promptgate.yml', {
      LLM_BASE_URL: 'http://localhost:4000',
      HOME: '/home/runner'
    })
    expect(config).toMatchObject({
      concurrency: 8,
      repeat: 1,
      maxErrors: 0,
      maxCalls: 1000,
      grader: { id: 'github:openai/gpt-4o' }
    })
    expect(config.provider).toMatchObject({
      baseUrl: 'http://localhost:4000/v1',
      requestsPerMinute: 500,
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 }
    })
    expect(config.suites.map(suite => [suite.name, suite.repeat])).toEqual([
      ['triage', 3],
      ['summaries', 1]
    ])
    expect(configuredThresholds(config.suites[0]!.thresholds).set).toEqual({
      pass_rate: { min: 0.9, max_drop: 0.02, significance: 0.05 },
      latency_ms: { max_increase: 500 },
      levenshtein: { max_drop: 0.05 }
    })
  })
})
