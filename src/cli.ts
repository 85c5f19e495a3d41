import { parseArgs } from 'node:util'
import { createGitChangeSource } from './changes/git.js'
import { applyOverride } from './compare/override.js'
import { errorMessage, isUserError } from './errors.js'
import { planPipeline, runPipeline, type PipelineWarning } from './pipeline.js'
import { cliModels, positiveNumber } from './cli-providers.js'
import { registryMain } from './registry-cli.js'
import { rolloutMain } from './rollout-cli.js'
import { buildJsonReport } from './report/json.js'
import { renderDryRun } from './report/dry-run.js'
import { buildGhModelsJson } from './report/gh-models-json.js'
import { renderJobSummary } from './report/index.js'
import { writeReportFile } from './report/write-report-file.js'
import { redactDeep, redactSecrets, secretsFromEnvironment } from './secrets.js'

const USAGE = `Usage: promptgate [options]

Evaluates the base and head versions of every prompt changed between two git refs
of a local repository and prints the markdown report.

Commands:
  promptgate registry ...  register, promote, canary, roll back and show prompt versions
                          (promptgate registry --help)
  promptgate rollout ...   staged rollouts: watch canaries on live metrics, simulate a plan on
                          recorded metrics; pause, resume, abort
                          (promptgate rollout --help)

Options:
  --repo DIR              git repository (default: the current directory)
  --base REF              base ref (default: main)
  --head REF              head ref (default: HEAD)
  --config FILE           config file in the repository (default: .github/promptgate.yml)
  --models-endpoint URL   GitHub Models API (default: $PROMPTGATE_MODELS_ENDPOINT or https://models.github.ai/inference)
  --models-token TOKEN    GitHub Models token (default: $GITHUB_TOKEN)
  --concurrency N         model calls in flight at once (default: the config's, else 8)
  --request-timeout S     seconds one model request may take; retried at most twice (default: 60)
  --deadline M            minutes the whole evaluation may take (default: 60)
  --report FILE           also write the JSON report to FILE
  --format FORMAT         what to print: markdown (default) or gh-models-json (each prompt file's rows
                          in the shape of \`gh models eval --json\`, a list with one entry per file)
  --cache DIR             reuse model results stored in DIR and store new ones (a re-run makes no call)
  --max-calls N           refuse, before the first call, a plan of more than N model calls, judges
                          included (default: no cap but the config's max_calls; the lower applies)
  --dry-run               print the plan, its number of calls and an estimated cost; call no model
  --accept                accept a regression, as the override label does on a pull request
  -h, --help              show this help

Exit status: 0 pass, skipped or accepted; 1 regressed; 2 error.`

const EXIT = { pass: 0, skipped: 0, overridden: 0, regressed: 1, error: 2 } as const
const ACCEPT_LABEL = '--accept'

function showWarnings(warnings: PipelineWarning[]): void {
  for (const warning of warnings) {
    const where = warning.file ? `${warning.file}${warning.line ? `:${warning.line}` : ''}: ` : ''
    process.stderr.write(`promptgate: warning: ${where}${warning.message}\n`)
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'registry') return registryMain(argv.slice(1))
  if (argv[0] === 'rollout') return rolloutMain(argv.slice(1))
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: 'string', default: '.' },
      base: { type: 'string', default: 'main' },
      head: { type: 'string', default: 'HEAD' },
      config: { type: 'string', default: '.github/promptgate.yml' },
      'models-endpoint': { type: 'string' },
      'models-token': { type: 'string' },
      concurrency: { type: 'string' },
      'request-timeout': { type: 'string' },
      deadline: { type: 'string' },
      cache: { type: 'string' },
      report: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      'max-calls': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      accept: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new Error('--concurrency takes a whole number of 1 or more')
  const maxCalls = values['max-calls'] === undefined ? undefined : Number(values['max-calls'])
  if (maxCalls !== undefined && (!Number.isInteger(maxCalls) || maxCalls < 1))
    throw new Error('--max-calls takes a whole number of 1 or more')
  const cap = maxCalls === undefined ? undefined : { limit: maxCalls, source: '--max-calls' }

  if (values.format !== 'markdown' && values.format !== 'gh-models-json')
    throw new Error(`--format takes markdown or gh-models-json, not "${values.format}"`)

  const requestTimeoutSeconds = positiveNumber('--request-timeout', values['request-timeout'], 60)
  const deadlineMinutes = positiveNumber('--deadline', values.deadline, 60)

  const secrets = secretsFromEnvironment(process.env)
  const { cache, providers } = cliModels(
    {
      repo: values.repo,
      modelsEndpoint: values['models-endpoint'],
      modelsToken: values['models-token'],
      requestTimeoutSeconds,
      deadlineMinutes,
      cacheDir: values.cache
    },
    secrets
  )
  const source = await createGitChangeSource(values.repo, values.base, values.head)
  if (values['dry-run']) {
    const plan = await planPipeline({ source, configPath: values.config, maxCalls: cap })
    showWarnings(plan.warnings)
    process.stdout.write(`${renderDryRun(plan)}\n`)
    return plan.cap && plan.calls.total > plan.cap.limit ? EXIT.error : 0
  }
  const outcome = await runPipeline({
    source,
    configPath: values.config,
    providers,
    concurrency,
    cache,
    maxCalls: cap,
    onPlanned: plan => {
      process.stderr.write(`promptgate: evaluating ${plan.prompts} prompt(s), ${plan.calls} model calls\n`)
    }
  })
  if (cache) {
    const from = outcome.results.cached ?? 0
    process.stderr.write(
      `promptgate: ${from} result(s) from the cache, ${cache.writes} added to ${values.cache}\n`
    )
  }
  showWarnings(outcome.warnings)
  const final = applyOverride(outcome.comparison.verdict, values.accept ? [ACCEPT_LABEL] : [], ACCEPT_LABEL)
  const input = redactDeep(
    {
      comparison: outcome.comparison,
      context: {
        verdict: final.verdict,
        ...(final.accepted ? { overrideLabel: final.accepted.label, override: final.accepted } : {}),
        baseSha: source.baseRef,
        headSha: source.headRef
      }
    },
    secrets
  )
  if (values.report) {
    const text = redactSecrets(JSON.stringify(buildJsonReport(input), null, 2), secrets)
    await writeReportFile(process.cwd(), values.report, text, '--report')
  }
  const printed =
    values.format === 'gh-models-json'
      ? JSON.stringify(
          buildGhModelsJson(input.comparison, index => {
            const head = outcome.prompts[index]?.head
            return head && { name: head.name, model: head.provider.id }
          }),
          null,
          2
        )
      : renderJobSummary(input)
  process.stdout.write(`${redactSecrets(printed, secrets)}\n`)
  process.stderr.write(`promptgate: verdict ${final.verdict}\n`)
  return EXIT[final.verdict]
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code
  },
  error => {
    process.stderr.write(`promptgate: ${isUserError(error) ? error.describe() : errorMessage(error)}\n`)
    process.exitCode = EXIT.error
  }
)
