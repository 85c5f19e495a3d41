// `npm run demo`: runs the promptgate CLI offline on the example repository.
// It builds a throwaway git repository with two commits (examples/demo/base, then examples/demo/head),
// starts the stand-in model (a rule-based local server, NOT a real model) and compares the two versions.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
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

const repo = mkdtempSync(join(tmpdir(), 'promptgate-demo-'))
const model = await startStandInModel()
try {
  git(repo, 'init', '-q', '-b', 'main')
  const base = commitTree(repo, join(here, 'demo', 'base'), 'Base: the prompt as it is on main')
  const head = commitTree(repo, join(here, 'demo', 'head'), 'Head: a friendlier rewording of the prompt')
  console.error(
    `promptgate demo: example repository at ${repo}; stand-in model (not a real model) at ${model.url}\n`
  )
  const code = await new Promise(resolve => {
    const child = spawn(
      process.execPath,
      [
        cli,
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
      ],
      { stdio: 'inherit' }
    )
    child.on('exit', status => resolve(status ?? 2))
  })
  // The example change is meant to regress: exit status 1 is the demo working, 2 is a real error.
  if (code === 1)
    console.error('\npromptgate demo: the reworded prompt regressed, as this example is meant to show.')
  process.exitCode = code === 2 ? 2 : 0
} finally {
  await model.close()
  rmSync(repo, { recursive: true, force: true })
}
