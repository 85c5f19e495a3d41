// `node bench/registry.mjs`: wall time of the registry CLI on a local repository (the bundled dist/cli.js):
// two registrations (each an evaluation against the stand-in model), ten canary moves, five shows.
// Each command is a fresh process, as a user runs it, so the figures include Node's start-up.
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startStandInModel } from '../examples/stand-in-model.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cliPath = join(here, '..', 'dist', 'cli.js')
const demo = join(here, '..', 'examples', 'demo')
const run = promisify(execFile)
const repo = mkdtempSync(join(tmpdir(), 'promptgate-bench-registry-'))
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()
const commit = (tree, message) => {
  cpSync(tree, repo, { recursive: true })
  git('add', '--all')
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', message)
}
const model = await startStandInModel()
const timed = async (...args) => {
  const start = performance.now()
  await run(process.execPath, [cliPath, 'registry', ...args, '--repo', repo, '--actor', 'bench'])
  return performance.now() - start
}
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
try {
  git('init', '-q', '-b', 'main')
  commit(join(demo, 'base'), 'base')
  const models = ['--models-endpoint', model.url, '--models-token', 'stand-in']
  const first = await timed('register', ...models)
  commit(join(demo, 'head'), 'head')
  const second = await timed('register', ...models)
  const moves = []
  for (let step = 1; step <= 10; step++) moves.push(await timed('canary', 'review-sentiment', String(step)))
  const shows = []
  for (let step = 0; step < 5; step++) shows.push(await timed('show'))
  console.log(`register (evaluate 5 cases, write the first commit): ${first.toFixed(0)} ms`)
  console.log(`register (evaluate base and head, write v2):        ${second.toFixed(0)} ms`)
  console.log(`canary move, median of 10:                          ${median(moves).toFixed(0)} ms`)
  console.log(`show, median of 5:                                  ${median(shows).toFixed(0)} ms`)
} finally {
  await model.close()
  rmSync(repo, { recursive: true, force: true })
}
