// Measures promptgate/runtime as a service uses it: get() calls per second (with and without a
// key), shadow(), render() calls per second, and the size of dist/runtime.js. Run `npm run bundle` first.
//   node bench/runtime.mjs
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPromptLoader } from 'promptgate/runtime'

const bundle = new URL('../dist/runtime.js', import.meta.url)
const snapshotFile = new URL('../examples/service/snapshot.json', import.meta.url)
const PROMPT = 'prompts/triage.prompt.yml'
const CALLS = 1_000_000

const dir = await mkdtemp(join(tmpdir(), 'runtime-bench-'))
const file = join(dir, 'snapshot.json')
await writeFile(file, await readFile(snapshotFile))
const prompts = createPromptLoader({ sources: [{ file }], refreshSeconds: 0 })
await prompts.ready()

function perSecond(label, calls, run) {
  for (let i = 0; i < 10_000; i++) run(i) // warm up
  const started = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) run(i)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(`${label.padEnd(28)} ${Math.round(calls / seconds).toLocaleString('en-US')} calls/s`)
}

const vars = { title: 'App crashes on start', reporter: { login: 'octocat' }, body: 'It exits at once.' }
perSecond('get() without a key', CALLS, () => prompts.get(PROMPT))
perSecond('get() with a key', CALLS, i => prompts.get(PROMPT, { key: `user-${i}` }))
perSecond('shadow() with a key', CALLS, i => prompts.shadow(PROMPT, { key: `user-${i}` }))
const stable = prompts.get(PROMPT)
perSecond('render()', CALLS / 10, () => stable.render(vars))

const source = await readFile(bundle)
console.log(
  `${'dist/runtime.js'.padEnd(28)} ${(await stat(bundle)).size} bytes, ${gzipSync(source).length} gzipped`
)
prompts.close()
await rm(dir, { recursive: true, force: true })
