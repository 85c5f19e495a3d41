// `npm run bench`: how close promptgate's built CLI comes to the ideal wall time, what a cached re-run costs,
// how faults slow it down, its peak memory on a large golden set, and (with --promptfoo) promptfoo's time on
// the same work. It prints figures; it is not a test.
//
//   node bench/run.mjs [--cases 300] [--concurrency 16] [--latency 100] [--fault-rate 0.05] [--runs 3]
//                      [--memory-cases 10000] [--cli dist/cli.js] [--promptfoo /path/to/node_modules/promptfoo]
//
// "wall" is the whole CLI process (start-up, git, parsing, report); "engine" is the evaluation alone, as
// the JSON report's totals.durationMs gives it. With --runs n each timed figure is the median of n runs.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startFakeModelServer } from './fake-model-server.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    latency: { type: 'string', default: '100' },
    'fault-rate': { type: 'string', default: '0.05' },
    'memory-cases': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'heavy-chars': { type: 'string', default: '1500' },
    cli: { type: 'string', default: join(here, '..', 'dist', 'cli.js') },
    promptfoo: { type: 'string' }
  }
})
const CASES = Number(values.cases)
const CONCURRENCY = Number(values.concurrency)
const LATENCY = Number(values.latency)
const FAULT_RATE = Number(values['fault-rate'])
const MEMORY_CASES = Number(values['memory-cases'])
const CLI = resolve(values.cli)
const RUNS = Math.max(1, Number(values.runs))
const HEAVY_CHARS = Number(values['heavy-chars'])
const PROMPT = 'prompts/bench.prompt.yml'

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
}

function promptFile(instruction, cases) {
  const rows = Array.from(
    { length: cases },
    (_, index) => `  - n: ${index + 1}\n    question: What is ${index + 1} plus one?\n`
  ).join('')
  return `name: Bench
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0
messages:
  - role: system
    content: ${instruction}
  - role: user
    content: 'Question {{n}}: {{question}}'
testData:
${rows}evaluators:
  - name: echoes the number
    string:
      contains: '{{n}}'
`
}

/** A git repository whose two commits change the bench prompt's system message; `commit` adds more. */
function benchRepo(cases) {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-bench-'))
  git(dir, 'init', '-q', '-b', 'main')
  const commit = instruction => {
    mkdirSync(join(dir, 'prompts'), { recursive: true })
    writeFileSync(join(dir, PROMPT), promptFile(instruction, cases))
    git(dir, 'add', '--all')
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'c')
    return git(dir, 'rev-parse', 'HEAD')
  }
  const base = commit('Answer briefly.')
  const head = commit('Answer briefly and politely.')
  return { dir, base, head, commit }
}

/**
 * A config suite whose check costs CPU: a `levenshtein` assertion between the model's answer (an echo of
 * `HEAVY_CHARS` characters) and an expected text that differs, a few milliseconds of edit distance each.
 */
function heavyRepo(cases) {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-bench-heavy-'))
  const filler = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(HEAVY_CHARS / 44))
  const text = filler.slice(0, HEAVY_CHARS)
  const rows = Array.from({ length: cases }, (_, index) =>
    JSON.stringify({ n: index + 1, text, expected: `${index + 1} ${[...text].reverse().join('')}` })
  )
  mkdirSync(join(dir, 'prompts'), { recursive: true })
  mkdirSync(join(dir, 'evals'), { recursive: true })
  mkdirSync(join(dir, '.github'), { recursive: true })
  writeFileSync(join(dir, 'evals', 'heavy.jsonl'), `${rows.join('\n')}\n`)
  writeFileSync(
    join(dir, '.github', 'promptgate.yml'),
    `version: 1
provider:
  id: github:openai/gpt-4o-mini
suites:
  - name: heavy
    prompts: [prompts/heavy.md]
    tests: evals/heavy.jsonl
    assert:
      - type: levenshtein
        value: '{{expected}}'
        threshold: 5
`
  )
  git(dir, 'init', '-q', '-b', 'main')
  const commit = template => {
    writeFileSync(join(dir, 'prompts', 'heavy.md'), template)
    git(dir, 'add', '--all')
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'c')
    return git(dir, 'rev-parse', 'HEAD')
  }
  const base = commit('{{n}} {{text}}\n')
  const head = commit('{{n}}  {{text}}\n')
  return { dir, base, head, commit }
}

/** Runs a node script; resolves with its wall time, exit code, stderr and peak RSS (read at its exit). */
function runNode(args, env = {}) {
  const probe = join(here, 'max-rss.mjs')
  return new Promise((resolvePromise, reject) => {
    const startedAt = performance.now()
    const child = spawn(process.execPath, ['--import', pathToFileURL(probe).href, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => {
      const wallMs = performance.now() - startedAt
      const rss = /promptgate-bench-max-rss (\d+)/.exec(stderr)
      resolvePromise({ wallMs, code, stderr, maxRssMb: rss ? Number(rss[1]) / 1024 : undefined })
    })
  })
}

function cliArgs(repo, base, head, model, extra = []) {
  return [
    CLI,
    '--repo',
    repo.dir,
    '--base',
    base,
    '--head',
    head,
    '--models-endpoint',
    model.url,
    '--models-token',
    'bench',
    ...extra
  ]
}

async function runCli(repo, model, options = {}) {
  model.reset()
  const concurrency = options.concurrency ?? CONCURRENCY
  const reportPath = join(repo.dir, 'report.json')
  const extra = ['--concurrency', String(concurrency), '--report', reportPath, ...(options.extra ?? [])]
  const run = await runNode(cliArgs(repo, options.base ?? repo.base, options.head ?? repo.head, model, extra))
  if (run.code === 2 && !options.errorsExpected) {
    throw new Error(`the CLI exited with 2:\n${run.stderr.slice(-2000)}`)
  }
  const report = readFileSync(reportPath, 'utf8')
  return {
    ...run,
    engineMs: JSON.parse(report).totals?.durationMs,
    verdict: JSON.parse(report).verdict,
    reportBytes: report.length,
    requests: model.stats.requests,
    faults: model.stats.faults,
    maxInFlight: model.stats.maxInFlight
  }
}

/** The median of `RUNS` runs by wall time (that run's own figures, so they stay consistent). */
async function medianRun(run) {
  const runs = []
  for (let index = 0; index < RUNS; index++) runs.push(await run())
  return runs.sort((a, b) => a.wallMs - b.wallMs)[Math.floor((runs.length - 1) / 2)]
}

function idealMs(calls, concurrency, latency) {
  return Math.ceil(calls / concurrency) * latency
}

const seconds = ms => `${(ms / 1000).toFixed(2)} s`

function printRow(label, figures) {
  const cells = Object.entries(figures).map(([key, value]) => `${key} ${value}`)
  console.log(`${label.padEnd(38)} ${cells.join(' | ')}`)
}

function supportsFlag(flag) {
  try {
    return execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).includes(flag)
  } catch {
    return false
  }
}

async function throughput(model) {
  const repo = benchRepo(CASES)
  try {
    const calls = CASES * 2
    const ideal = idealMs(calls, CONCURRENCY, LATENCY)
    const quick = await startFakeModelServer({ latencyMs: 0 })
    const tiny = benchRepo(1)
    const fixed = await medianRun(() => runCli(tiny, quick)).finally(() => {
      rmSync(tiny.dir, { recursive: true, force: true })
      return quick.close()
    })
    printRow('CLI fixed cost (1 case, 0 ms model)', { wall: seconds(fixed.wallMs) })
    const cold = await medianRun(() => runCli(repo, model))
    printRow(`cold, ${CASES} cases x 2 sides, C=${CONCURRENCY}`, {
      wall: seconds(cold.wallMs),
      engine: seconds(cold.engineMs),
      ideal: seconds(ideal),
      'wall/ideal': (cold.wallMs / ideal).toFixed(2),
      'engine/ideal': (cold.engineMs / ideal).toFixed(2),
      calls: cold.requests,
      'max in flight': cold.maxInFlight
    })

    if (!supportsFlag('--cache')) {
      console.log(`(cached runs skipped: ${CLI} has no --cache flag)`)
      return
    }
    const cacheDir = join(repo.dir, '.promptgate-cache')
    const filled = await runCli(repo, model, { extra: ['--cache', cacheDir] })
    const rerun = await medianRun(() => runCli(repo, model, { extra: ['--cache', cacheDir] }))
    printRow('cache filled, then re-run', {
      'fill wall': seconds(filled.wallMs),
      'fill calls': filled.requests,
      're-run wall': seconds(rerun.wallMs),
      're-run engine': seconds(rerun.engineMs),
      're-run calls': rerun.requests
    })
    // A new push to the pull request: the base side is unchanged, so only the head is asked again.
    const pushed = repo.commit('Answer briefly, politely and in full sentences.')
    const push = await runCli(repo, model, { head: pushed, extra: ['--cache', cacheDir] })
    const pushIdeal = idealMs(CASES, CONCURRENCY, LATENCY)
    printRow('new head commit, same cache', {
      wall: seconds(push.wallMs),
      engine: seconds(push.engineMs),
      ideal: seconds(pushIdeal),
      'engine/ideal': (push.engineMs / pushIdeal).toFixed(2),
      calls: push.requests
    })
  } finally {
    rmSync(repo.dir, { recursive: true, force: true })
  }
}

async function heavyChecks(model) {
  if (!(HEAVY_CHARS > 0)) return
  const repo = heavyRepo(CASES)
  try {
    const ideal = idealMs(CASES * 2, CONCURRENCY, LATENCY)
    const run = await medianRun(() => runCli(repo, model))
    printRow(`levenshtein over ${HEAVY_CHARS} chars`, {
      wall: seconds(run.wallMs),
      engine: seconds(run.engineMs),
      ideal: seconds(ideal),
      'engine/ideal': (run.engineMs / ideal).toFixed(2),
      calls: run.requests
    })
  } finally {
    rmSync(repo.dir, { recursive: true, force: true })
  }
}

async function faults(model) {
  if (!(FAULT_RATE > 0)) return
  const repo = benchRepo(CASES)
  const faulty = await startFakeModelServer({ latencyMs: LATENCY, faultRate: FAULT_RATE, seed: 7 })
  try {
    const clean = await runCli(repo, model)
    const run = await runCli(repo, faulty, { errorsExpected: true })
    const report = run.code === 2 ? ' (some cases ended as errors)' : ''
    printRow(`${FAULT_RATE * 100}% faults (429 Retry-After: 0 / 500)`, {
      wall: seconds(run.wallMs),
      engine: seconds(run.engineMs),
      ideal: seconds(idealMs(CASES * 2, CONCURRENCY, LATENCY)),
      requests: run.requests,
      faults: `${run.faults}${report}`,
      verdict: `${run.verdict} (without faults: ${clean.verdict}${run.verdict === clean.verdict ? ', same' : ', DIFFERENT'})`
    })
  } finally {
    await faulty.close()
    rmSync(repo.dir, { recursive: true, force: true })
  }
}

async function memory() {
  if (!(MEMORY_CASES > 0)) return
  const repo = benchRepo(MEMORY_CASES)
  const quick = await startFakeModelServer({ latencyMs: 1 })
  try {
    const run = await runCli(repo, quick, { concurrency: 64 })
    printRow(`${MEMORY_CASES} cases x 2 sides, C=64, 1 ms`, {
      wall: seconds(run.wallMs),
      engine: seconds(run.engineMs),
      calls: run.requests,
      'peak RSS': run.maxRssMb ? `${run.maxRssMb.toFixed(0)} MB` : 'unknown',
      'report size': `${(run.reportBytes / 1e6).toFixed(1)} MB`
    })
  } finally {
    await quick.close()
    rmSync(repo.dir, { recursive: true, force: true })
  }
}

/** The same 2 x N calls through promptfoo: two prompts (base, head), N tests, one `contains` each. */
async function promptfoo(model) {
  if (!values.promptfoo) return
  const entry = resolvePromptfooEntry(values.promptfoo)
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-bench-promptfoo-'))
  try {
    const quick = await startFakeModelServer({ latencyMs: 0 })
    const fixed = await medianRun(() => runPromptfoo(entry, dir, quick, 1)).finally(() => quick.close())
    printRow('promptfoo fixed cost (1 case, 0 ms)', { wall: seconds(fixed.wallMs) })
    const run = await medianRun(() => runPromptfoo(entry, dir, model, CASES))
    const ideal = idealMs(CASES * 2, CONCURRENCY, LATENCY)
    printRow(`promptfoo, same work, -j ${CONCURRENCY}`, {
      wall: seconds(run.wallMs),
      ideal: seconds(ideal),
      'wall/ideal': (run.wallMs / ideal).toFixed(2),
      calls: run.requests,
      'max in flight': run.maxInFlight,
      'peak RSS': run.maxRssMb ? `${run.maxRssMb.toFixed(0)} MB` : 'unknown',
      exit: run.code
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function runPromptfoo(entry, dir, model, cases) {
  const tests = Array.from({ length: cases }, (_, index) => ({
    vars: { n: index + 1, question: `What is ${index + 1} plus one?` },
    assert: [{ type: 'contains', value: String(index + 1) }]
  }))
  const chat = instruction => [
    { role: 'system', content: instruction },
    { role: 'user', content: 'Question {{n}}: {{question}}' }
  ]
  const config = {
    prompts: [
      { id: 'base', raw: JSON.stringify(chat('Answer briefly.')) },
      { id: 'head', raw: JSON.stringify(chat('Answer briefly and politely.')) }
    ],
    providers: [
      { id: 'openai:chat:gpt-4o-mini', config: { apiBaseUrl: model.url, apiKey: 'bench', temperature: 0 } }
    ],
    tests
  }
  const configPath = join(dir, 'promptfooconfig.json')
  writeFileSync(configPath, JSON.stringify(config))
  model.reset()
  const args = ['eval', '-c', configPath, '-j', String(CONCURRENCY), '--no-cache', '--no-table', '--no-write']
  const result = await runNode([entry, ...args, '--no-progress-bar', '--no-share'], {
    PROMPTFOO_CONFIG_DIR: join(dir, 'home'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    NODE_NO_WARNINGS: '1'
  })
  return { ...result, requests: model.stats.requests, maxInFlight: model.stats.maxInFlight }
}

function resolvePromptfooEntry(path) {
  const packageDir = path.endsWith('.js') ? undefined : resolve(path)
  if (!packageDir) return resolve(path)
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.promptfoo
  return join(packageDir, bin)
}

console.log(
  `promptgate bench: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; CLI ${CLI}`
)
console.log(`model latency ${LATENCY} ms; ideal = ceil(calls / concurrency) x latency`)
console.log(`median of ${RUNS} run(s) per timed figure\n`)
const model = await startFakeModelServer({ latencyMs: LATENCY })
try {
  await throughput(model)
  await heavyChecks(model)
  await faults(model)
  await promptfoo(model)
  await memory()
} finally {
  await model.close()
}
