// An example service that loads its triage prompt with promptgate/runtime.
//   node examples/service/triage.mjs [key ...]
// It asks the registry branch on GitHub first (GITHUB_API_URL, default: an address where nothing
// listens, to show the fallback), then falls back to snapshot.json, bundled beside it at build time.
import { fileURLToPath } from 'node:url'
import { createPromptLoader } from 'promptgate/runtime'

const PROMPT = 'prompts/triage.prompt.yml'
const bundled = fileURLToPath(new URL('snapshot.json', import.meta.url))

const prompts = createPromptLoader({
  sources: [
    {
      github: {
        repo: process.env.GITHUB_REPOSITORY ?? 'acme/support',
        token: process.env.GITHUB_TOKEN,
        apiUrl: process.env.GITHUB_API_URL ?? 'http://127.0.0.1:2',
        timeoutMs: 2000
      }
    },
    { file: bundled }
  ],
  onError: (error, source) => console.log(`fell back past ${source}: ${error.message}`)
})

await prompts.ready()
const keys =
  process.argv.length > 2 ? process.argv.slice(2) : ['user-1', 'user-2', 'user-3', 'user-4', 'user-5']
for (const key of keys) {
  const p = prompts.get(PROMPT, { key })
  console.log(`${key}: v${p.version} ${p.channel} ${p.digest.slice(0, 19)} from ${p.source}`)
}

const stable = prompts.get(PROMPT)
console.log(`no key: v${stable.version} ${stable.channel}`)
const messages = stable.render({
  title: 'App crashes on start',
  reporter: { login: 'octocat' },
  body: 'Since 2.3 the app exits with "segfault" before the window opens.'
})
for (const { role, content } of messages) console.log(`[${role}] ${content}`)
prompts.close()
