// `npm run demo`: runs the promptgate CLI offline on the example repository.
// It builds a throwaway git repository with two commits (examples/demo/base, then examples/demo/head),
// starts the stand-in model (a rule-based local server, NOT a real model) and compares the two versions.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createPromptLoader } from 'promptgate/runtime'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startStandInModel } from './stand-in-model.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'dist', 'cli.js')

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
}

function commitTree(repo, tree, message) {
  for (const entry of ['prompts', '.github', 'evals'])
    rmSync(join(repo, entry), { recursive: true, force: true })
  cpSync(tree, repo, { recursive: true })
  git(repo, 'add', '--all')
  git(
    repo,
    '-c',
    'user.name=promptgate demo',
    '-c',
    'user.email=demo@example.invalid',
    'commit',
    '-q',
    '-m',
    message
  )
  return git(repo, 'rev-parse', 'HEAD')
}

function runCli(args) {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' })
    child.on('exit', status => resolve(status ?? 2))
  })
}

/**
 * The release leg on the same repository: both commits registered with their scores on the branch
 * promptgate/registry, the head sent to 5% of keys as a canary, the registry shown, and the prompt
 * loaded by a service with the runtime loader from the registry's snapshot.
 */
async function releaseLeg(base, head) {
  const models = ['--models-endpoint', model.url, '--models-token', 'stand-in']
  const steps = [
    [['register', '--ref', base.slice(0, 7)], models],
    [['register', '--ref', head.slice(0, 7)], models],
    [['canary', 'prompts/review-sentiment.prompt.yml', '5'], []],
    [['show', 'prompts/review-sentiment.prompt.yml'], []]
  ]
  console.error(
    '\npromptgate demo: the release leg, on the same repository (the registry is its branch promptgate/registry)'
  )
  for (const [step, extra] of steps) {
    console.error(`\n$ promptgate registry ${step.join(' ')}`)
    const status = await runCli(['registry', ...step, ...extra, '--actor', 'demo', '--repo', repo])
    if (status !== 0) return 2
  }
  const snapshot = join(repo, 'snapshot.json')
  writeFileSync(snapshot, git(repo, 'show', 'promptgate/registry:snapshot.json'))
  const prompts = createPromptLoader({ sources: [{ file: snapshot }], refreshSeconds: 0 })
  await prompts.ready()
  console.error('\nA service loading the prompt with promptgate/runtime, one key at a time:')
  const served = { stable: 0, canary: 0 }
  for (let user = 1; user <= 1000; user++)
    served[prompts.get('prompts/review-sentiment.prompt.yml', { key: `user-${user}` }).channel]++
  const one = prompts.get('prompts/review-sentiment.prompt.yml', { key: 'user-1' })
  console.error(
    `  user-1 gets v${one.version} (${one.channel}); of 1,000 users ${served.canary} get the canary, ${served.stable} stable`
  )
  prompts.close()
  console.error(
    '\nv2 scored worse on the golden set, so its canary is where a team stops: `promptgate registry pause`\n' +
      'sends nobody to it, `promote` would make it stable, `rollback` returns stable to the version before.'
  )
  return 0
}

const repo = mkdtempSync(join(tmpdir(), 'promptgate-demo-'))
const model = await startStandInModel()
try {
  git(repo, 'init', '-q', '-b', 'main')
  const base = commitTree(repo, join(here, 'demo', 'base'), 'Base: the prompt as it is on main')
  const head = commitTree(repo, join(here, 'demo', 'head'), 'Head: a friendlier rewording of the prompt')
  console.error(
    `promptgate demo: example repository at ${repo}; stand-in model (not a real model) at ${model.url}\n`
  )
  const code = await runCli([
    '--repo',
    repo,
    '--base',
    base,
    '--head',
    head,
    '--models-endpoint',
    model.url,
    '--models-token',
    'stand-in'
  ])
  // The example change is meant to regress: exit status 1 is the demo working, 2 is a real error.
  if (code === 1)
    console.error('\npromptgate demo: the reworded prompt regressed, as this example is meant to show.')
  if (code === 2) process.exitCode = 2
  else process.exitCode = await releaseLeg(base, head)
} finally {
  await model.close()
  rmSync(repo, { recursive: true, force: true })
}
