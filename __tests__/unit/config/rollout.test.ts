import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../../../src/config/load.js'
import { UserError, errorMessage } from '../../../src/errors.js'
import { planFor } from '../../../src/rollout/plan.js'

const FILE = '.github/promptgate.yml'
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`

function failure(text: string, env: Record<string, string | undefined> = {}): string {
  try {
    loadConfig(text, FILE, env)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return errorMessage(error)
  }
  throw new Error('expected loadConfig to fail')
}

/** A config whose one plan has the guardrail lines given (indented under `guardrails:`). */
const withGuardrail = (...guardrail: string[]) =>
  yaml(
    'version: 1',
    'rollout:',
    '  plans:',
    '    - prompts: prompts/*.prompt.yml',
    '      stages: [5, 50]',
    '      guardrails:',
    ...guardrail.map(line => `        ${line}`)
  )

describe('rollout: in the config', () => {
  it('normalises the issue example: durations, defaults, kinds, ${VAR} in the metrics source', () => {
    const config = loadConfig(
      yaml(
        'version: 1',
        'rollout:',
        '  auto_canary: true',
        '  metrics:',
        "    prometheus: { url: '${PROMETHEUS_URL}', headers: { Authorization: 'Bearer ${PROMETHEUS_TOKEN}' } }",
        '  plans:',
        '    - prompts: [./prompts/triage.prompt.yml]',
        '      stages: [5, 25, 50, 100]',
        '      min_duration: 1h30m',
        '      min_samples: 500',
        '      guardrails:',
        '        - name: negative feedback',
        `          bad: 'sum(increase(app_feedback_total{verdict="negative", prompt_digest="$digest"}[$window]))'`,
        `          total: 'sum(increase(app_feedback_total{prompt_digest="$digest"}[$window]))'`,
        '          max_relative_increase: 0.10',
        '        - name: p95 latency',
        "          value: 'histogram_quantile(0.95, x)'",
        '          max_relative_increase: 0.20',
        '          max_absolute: 3',
        '      on_regression: pause',
        '    - prompts: prompts/**',
        '      stages: [10]',
        '      guardrails:',
        '        - { name: errors, bad: e, total: r, max_absolute: 0.02 }'
      ),
      FILE,
      { PROMETHEUS_URL: 'http://127.0.0.1:9090', PROMETHEUS_TOKEN: 'secret' }
    )
    expect(config.rollout).toEqual({
      autoCanary: true,
      metrics: { prometheus: { url: 'http://127.0.0.1:9090', headers: { Authorization: 'Bearer secret' } } },
      plans: [
        {
          prompts: ['prompts/triage.prompt.yml'],
          stages: [5, 25, 50, 100],
          minDurationSeconds: 5400,
          minSamples: 500,
          guardrails: [
            {
              name: 'negative feedback',
              kind: 'rate',
              bad: 'sum(increase(app_feedback_total{verdict="negative", prompt_digest="$digest"}[$window]))',
              total: 'sum(increase(app_feedback_total{prompt_digest="$digest"}[$window]))',
              maxRelativeIncrease: 0.1
            },
            {
              name: 'p95 latency',
              kind: 'value',
              value: 'histogram_quantile(0.95, x)',
              maxRelativeIncrease: 0.2,
              maxAbsolute: 3
            }
          ],
          onRegression: 'pause',
          origin: { file: FILE, line: 7 }
        },
        {
          prompts: ['prompts/**'],
          stages: [10],
          minDurationSeconds: 3600,
          minSamples: 200,
          guardrails: [{ name: 'errors', kind: 'rate', bad: 'e', total: 'r', maxAbsolute: 0.02 }],
          onRegression: 'rollback',
          origin: { file: FILE, line: 21 }
        }
      ]
    })
    expect(planFor(config, 'prompts/triage.prompt.yml')?.onRegression).toBe('pause')
    expect(planFor(config, './prompts/other.prompt.yml')?.stages).toEqual([10])
    expect(planFor(config, 'elsewhere/x.prompt.yml')).toBeUndefined()
    expect(planFor(loadConfig('version: 1\n', FILE, {}), 'prompts/triage.prompt.yml')).toBeUndefined()
  })

  it('names an unset variable in the metrics URL at its line', () => {
    expect(
      failure(
        yaml(
          'version: 1',
          'rollout:',
          '  metrics:',
          "    http: { url: '${METRICS_URL}' }",
          '  plans:',
          '    - { prompts: p, stages: [5], guardrails: [{ name: e, value: v, max_absolute: 1 }] }'
        )
      )
    ).toMatch(
      /^\.github\/promptgate\.yml:4:\d+: "url" in .* uses environment variable "METRICS_URL", which is not set/
    )
  })

  it.each([
    [
      ['- { name: e, bad: b, max_absolute: 0.1 }'],
      /:7:\d+: guardrail 1 of rollout plan 1 is a rate and needs both "bad" and "total"/
    ],
    [
      ['- { name: e, bad: b, total: t, value: v, max_absolute: 0.1 }'],
      /:7:\d+: guardrail 1 of rollout plan 1 has both a rate \(bad, total\) and a value/
    ],
    [
      ['- { name: e, max_absolute: 0.1 }'],
      /:7:\d+: guardrail 1 of rollout plan 1 needs a rate \("bad" and "total" queries\) or a "value" query/
    ],
    [
      ['- { name: e, bad: b, total: t }'],
      /:7:\d+: guardrail 1 of rollout plan 1 needs a limit: "max_relative_increase" \(e\.g\. 0\.10\) or "max_absolute"/
    ],
    [
      ['- { name: e, bad: b, total: t, max_absolute: 2 }'],
      /:7:\d+: "max_absolute" in guardrail 1 of rollout plan 1 is a rate's limit, a share from 0 to 1, not 2/
    ],
    [
      ['- { name: e, value: v, max_relative_increase: -1 }'],
      /:7:\d+: "max_relative_increase" in guardrail 1 of rollout plan 1 must be at least 0, not -1/
    ],
    [
      ['- { name: e, value: v, max_absolute: 1 }', '- { name: e, value: w, max_absolute: 1 }'],
      /:8:\d+: guardrail name "e" is used twice in rollout plan 1/
    ],
    [
      ['- { name: e, value: v, max_absolute: 1, colour: red }'],
      /:7:\d+: unknown key "colour" in guardrail 1 of rollout plan 1/
    ]
  ])('refuses the guardrail %j with file:line', (guardrail, message) => {
    expect(failure(withGuardrail(...guardrail))).toMatch(
      new RegExp(`^\\.github/promptgate\\.yml${message.source}`)
    )
  })

  it.each([
    [
      '      stages: [5, 5, 50]',
      /^\.github\/promptgate\.yml:5:\d+: the stages of rollout plan 1 must increase: 5 comes after 5/
    ],
    [
      '      stages: [0, 50]',
      /^\.github\/promptgate\.yml:5:\d+: item 1 of "stages" in rollout plan 1 must be greater than 0, not 0/
    ],
    [
      '      stages: [5, 150]',
      /^\.github\/promptgate\.yml:5:\d+: item 2 of "stages" in rollout plan 1 must be at most 100, not 150/
    ],
    [
      '      stages: []',
      /^\.github\/promptgate\.yml:5:\d+: "stages" in rollout plan 1 must not be an empty list/
    ],
    [
      '      min_duration: 90 minutes',
      /^\.github\/promptgate\.yml:5:\d+: "min_duration" in rollout plan 1: "90 minutes" is not a duration; write a number and a unit/
    ],
    [
      '      min_samples: 0',
      /^\.github\/promptgate\.yml:5:\d+: "min_samples" in rollout plan 1 must be at least 1, not 0/
    ],
    [
      '      on_regression: revert',
      /^\.github\/promptgate\.yml:5:\d+: "on_regression" in rollout plan 1 must be one of "rollback", "pause", not "revert"/
    ]
  ])('refuses the plan line %j with file:line', (planLine, message) => {
    const text = yaml(
      'version: 1',
      'rollout:',
      '  plans:',
      '    - prompts: p',
      planLine,
      ...(planLine.includes('stages') ? [] : ['      stages: [5]']),
      '      guardrails: [{ name: e, value: v, max_absolute: 1 }]'
    )
    expect(failure(text)).toMatch(message)
  })

  it('refuses two metrics sources, or none, and a rollout without plans', () => {
    const plans =
      '  plans: [{ prompts: p, stages: [5], guardrails: [{ name: e, value: v, max_absolute: 1 }] }]'
    expect(
      failure(
        yaml(
          'version: 1',
          'rollout:',
          '  metrics: { ndjson: { path: m.ndjson }, http: { url: "http://x" } }',
          plans
        )
      )
    ).toMatch(
      /^\.github\/promptgate\.yml:3:\d+: "metrics" in "rollout" must name exactly one of prometheus, http, ndjson/
    )
    expect(failure(yaml('version: 1', 'rollout:', '  metrics: {}', plans))).toMatch(
      /must name exactly one of prometheus, http, ndjson/
    )
    expect(failure(yaml('version: 1', 'rollout:', '  auto_canary: true'))).toMatch(
      /^\.github\/promptgate\.yml:3:\d+: missing required key "plans" in "rollout"/
    )
    expect(
      failure(yaml('version: 1', 'rollout:', '  metrics: { prometheus: { url: "localhost:9090" } }', plans))
    ).toMatch(/"url" in .* must be an http:\/\/ or https:\/\/ URL, not "localhost:9090"/)
  })
})
