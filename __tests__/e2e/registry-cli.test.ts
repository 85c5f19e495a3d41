import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js'
import { createTwoCommitRepo, type TwoCommitRepo } from '../helpers/git-repo.js'
import { triagePrompt } from '../helpers/registry-branch.js'
import { runCli } from '../helpers/run-cli.js'

const PROMPT = 'prompts/triage.prompt.yml'
const BRANCH = 'promptgate/registry'

const promptFile = triagePrompt

/** "bug"/"feature" by a keyword, unless the system prompt says "shout", which breaks the answers. */
function respond(request: { messages: { role: string; content: string }[] }): string {
  const system = request.messages.find(message => message.role === 'system')?.content ?? ''
  const user = request.messages.at(-1)?.content ?? ''
  if (system.includes('shout')) return 'NO IDEA'
  return user.includes('crash') ? 'bug' : 'feature'
}

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function setUp(): Promise<{
  repo: TwoCommitRepo
  model: FakeOpenAI
  git: (...args: string[]) => string
}> {
  const repo = createTwoCommitRepo(
    { [PROMPT]: promptFile('Label the issue bug or feature.') },
    { [PROMPT]: promptFile('Label the issue bug or feature, and shout.') }
  )
  cleanups.push(() => repo.remove())
  const model = await startFakeOpenAI({ respond })
  cleanups.push(() => model.close())
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim()
  return { repo, model, git }
}

function registry(repo: TwoCommitRepo, model: FakeOpenAI, ...args: string[]) {
  return runCli(['registry', ...args, '--repo', repo.dir, '--models-endpoint', model.url, '--actor', 'ada'], {
    HOME: repo.dir,
    GITHUB_TOKEN: 'models-token-for-the-fake'
  })
}

describe('promptgate registry on a local repository', () => {
  it('registers with scores, canaries, promotes, rolls back and shows it, leaving the checkout alone', async () => {
    const { repo, model, git } = await setUp()
    const first = await registry(repo, model, 'register', '--ref', repo.baseSha)
    expect(first.stderr).toContain('evaluating 1 prompt(s)')
    expect(first.stdout).toContain(`${PROMPT}: registered v1`)
    expect(first.stdout).toContain('pass_rate 1 (n=3)')
    expect(first.code).toBe(0)

    const second = await registry(repo, model, 'register')
    expect(second.stdout).toContain(`${PROMPT}: registered v2`)
    expect(second.stdout).toContain('pass_rate 0 (n=3)')

    const v2 = JSON.parse(git('show', `${BRANCH}:snapshot.json`)).prompts[PROMPT].channels.latest
    const record = JSON.parse(git('show', `${BRANCH}:versions/${v2.digest.slice(7)}.json`))
    expect(record).toMatchObject({
      prompt: PROMPT,
      name: 'Triage',
      version: 2,
      commit: repo.headSha,
      content: { model: 'github:openai/gpt-4o-mini' },
      eval: {
        metrics: { pass_rate: { value: 0, n: 3 } },
        provider: 'github:openai/gpt-4o-mini',
        baseline: { version: 1, deltas: { pass_rate: -1 } },
        regressed: 3,
        improved: 0,
        override: null
      }
    })

    expect((await registry(repo, model, 'canary', 'Triage', '5')).stdout).toBe(
      `${PROMPT}: canary none → v2 at 5%\n`
    )
    const flags = JSON.parse(git('show', `${BRANCH}:flags.flagd.json`)).flags[PROMPT]
    expect(flags.targeting.fractional).toEqual([
      [v2.digest, 500],
      [flags.defaultVariant, 9500]
    ])
    expect((await registry(repo, model, 'promote', PROMPT)).stdout).toBe(
      `${PROMPT}: stable v1 → v2, canary v2 at 5% → none\n`
    )
    expect((await registry(repo, model, 'rollback', PROMPT)).stdout).toBe(`${PROMPT}: stable v2 → v1\n`)

    const shown = await registry(repo, model, 'show')
    expect(shown.stdout).toMatch(/v1 +sha256:\w{8} +\w{7} .* stable/)
    expect(shown.stdout).toMatch(/v2 +sha256:\w{8} .* latest/)
    expect(shown.stdout).toContain('ada  stable v2 → v1: rolled back to v1')
    const json = JSON.parse((await registry(repo, model, 'show', PROMPT, '--json')).stdout)
    expect(json.prompts[PROMPT].channels).toMatchObject({ stable: { version: 1 }, latest: { version: 2 } })
    expect(json.prompts[PROMPT].versions.map((version: { version: number }) => version.version)).toEqual([
      1, 2
    ])
    expect(json.prompts[PROMPT].events.at(-1)).toMatchObject({
      type: 'channel_moved',
      actor: 'ada',
      channel: 'stable'
    })

    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
    expect(git('status', '--porcelain')).toBe('')
    expect(git('rev-parse', 'HEAD')).toBe(repo.headSha)
  })

  it('a revert registers nothing new and moves latest back', async () => {
    const { repo, model, git } = await setUp()
    await registry(repo, model, 'register', '--ref', repo.baseSha)
    await registry(repo, model, 'register')
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'revert', '--no-edit', 'HEAD')
    const reverted = await registry(repo, model, 'register')
    expect(reverted.stdout).toContain(`${PROMPT}: same content as v1: nothing new registered, latest → v1`)
    expect(git('ls-tree', '--name-only', `${BRANCH}:versions`).split('\n')).toHaveLength(2)
    expect(JSON.parse(git('show', `${BRANCH}:snapshot.json`)).prompts[PROMPT].channels.latest.version).toBe(1)
  })

  it('refuses bad commands with one line that says what to do', async () => {
    const { repo, model } = await setUp()
    const empty = await registry(repo, model, 'promote', PROMPT)
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('has no registered prompt yet')
    await registry(repo, model, 'register')
    for (const [args, message] of [
      [['canary', PROMPT, 'lots'], 'canary takes the percent of keys to serve, 0 to 100'],
      [['promote', PROMPT, '--version', 'x'], '--version takes a version number such as 3 or v3'],
      [['promote', 'prompts/traige.prompt.yml'], 'did you mean "prompts/triage.prompt.yml"'],
      [['launch', PROMPT], '"launch" is not a registry command'],
      [['register', 'prompts/missing.prompt.yml'], 'prompts/missing.prompt.yml is not a prompt at HEAD']
    ] as const) {
      const run = await registry(repo, model, ...args)
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({
        args,
        code: 2,
        stderr: expect.stringContaining(message)
      })
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('registers nothing when the model calls fail', async () => {
    const { repo } = await setUp()
    const down = await startFakeOpenAI({ respond: () => ({ status: 401 }) })
    cleanups.push(() => down.close())
    const run = await registry(repo, down, 'register')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('nothing was registered')
    expect(() =>
      execFileSync('git', ['rev-parse', '--verify', '--quiet', BRANCH], { cwd: repo.dir })
    ).toThrow()
  })
})
