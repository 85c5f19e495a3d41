import { afterEach, describe, expect, it } from '@jest/globals'
import { expectOneError } from '../helpers/expect-error.js'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ONE_WORD, CHATTY, SENTIMENT_PROMPT, sentimentModel } from '../helpers/sentiment.js'
import { createTwoCommitRepo } from '../helpers/git-repo.js'
import { runCli } from '../helpers/run-cli.js'
import { closeWorlds, startWorld } from '../helpers/world.js'

const TOKEN = 'ghs_e2eBadInputToken0123456789'
const CONFIG = '.github/promptgate.yml'

afterEach(closeWorlds)

const lines = (...text: string[]) => `${text.join('\n')}\n`

/** Nothing in these runs may end in a JavaScript stack trace. */
describe('bad input to the action', () => {
  it('a truncated event file is one error naming the file, not a crash before run()', async () => {
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY },
      { token: TOKEN }
    )
    const scratch = mkdtempSync(join(tmpdir(), 'promptgate-event-'))
    const eventPath = join(scratch, 'event.json')
    writeFileSync(eventPath, '{"action": "opened", "pull_request": {"number": 2, "base": {"sha": "ab')
    const run = await w.run({ env: { GITHUB_EVENT_PATH: eventPath } })

    expectOneError(run, `file=${eventPath}`, /could not read the event payload/)
    expect(w.model.requests).toHaveLength(0)
  })

  it('an alias bomb in the config is one error naming the config', async () => {
    const bomb = lines(
      'version: 1',
      'x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
      'x-h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
      'x-i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]'
    )
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY, [CONFIG]: bomb },
      { token: TOKEN }
    )
    const started = Date.now()
    const run = await w.run()

    expect(Date.now() - started).toBeLessThan(20_000)
    expectOneError(run, `file=${CONFIG}`, /alias bomb/)
  })

  it('a JSONL golden-set row of 100,000 nested arrays is one error at its file and line', async () => {
    const config = lines(
      'version: 1',
      'suites:',
      '  - name: s',
      '    prompts: prompts/*.md',
      '    tests: evals/set.jsonl',
      "    assert: [{ type: contains, value: 'x' }]"
    )
    const golden = `{"vars": {"q": "fine"}}\n{"vars": {"q": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}\n`
    const tree = { [CONFIG]: config, 'evals/set.jsonl': golden }
    const w = await startWorld(
      { ...tree, 'prompts/a.md': 'Say {{q}}' },
      { ...tree, 'prompts/a.md': 'Say {{q}}!' },
      { token: TOKEN }
    )
    const run = await w.run()

    expectOneError(run, /file=evals\/set\.jsonl,line=2/, /nests more than 200 levels/)
    expect(w.model.requests).toHaveLength(0)
  })

  it('a catastrophic regex from the pull request fails its cases, and the job ends promptly', async () => {
    const config = lines(
      'version: 1',
      'provider: { id: "openai:m", base_url: "${LLM_URL}", api_key_env: LLM_KEY }',
      'suites:',
      '  - name: s',
      '    prompts: prompts/*.md',
      '    tests: [{ vars: { q: one } }, { vars: { q: two } }]',
      "    assert: [{ type: regex, value: '(a+)+$' }]"
    )
    // The base prompt's answer matches at once; the head's sends the pattern into endless backtracking.
    const w = await startWorld(
      { [CONFIG]: config, 'prompts/a.md': 'Say {{q}}' },
      { [CONFIG]: config, 'prompts/a.md': 'Shout {{q}}' },
      {
        token: TOKEN,
        respond: request => (/Shout/.test(JSON.stringify(request.messages)) ? `${'a'.repeat(40)}!` : 'aaa')
      }
    )
    const started = Date.now()
    const run = await w.run({ env: { LLM_URL: w.model.url, LLM_KEY: 'sk-bad-input-0123456789' } })

    expect(Date.now() - started).toBeLessThan(30_000)
    expect(run.outputs.verdict).toBe('regressed')
    expect(run.exitCode).toBe(1)
    expect(w.stickyComments()[0]?.body).toMatch(/ran longer than 250 ms/)
  })

  it('a misspelt threshold (pass_rat) is an error at its config line with a did-you-mean, before any call', async () => {
    const config = lines('version: 1', 'thresholds:', '  pass_rat: { max_drop: 0 }')
    const w = await startWorld(
      { [CONFIG]: config, [SENTIMENT_PROMPT]: ONE_WORD },
      { [CONFIG]: config, [SENTIMENT_PROMPT]: CHATTY },
      { token: TOKEN, respond: sentimentModel }
    )
    const run = await w.run()

    expect(run.exitCode).toBe(1)
    expect(run.outputs.verdict).toBe('error')
    expectOneError(run, `file=${CONFIG},line=3`, /did you mean "pass_rate"\?/)
    expect(w.model.requests).toHaveLength(0)
  })

  it('never writes the report through a symbolic link planted in the checkout', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'promptgate-victim-')), '.bashrc')
    writeFileSync(outside, 'export PS1=safe\n')
    const w = await startWorld(
      { [SENTIMENT_PROMPT]: ONE_WORD },
      { [SENTIMENT_PROMPT]: CHATTY },
      {
        token: TOKEN,
        respond: sentimentModel
      }
    )
    symlinkSync(outside, join(w.repo.dir, 'promptgate-report.json'))
    const run = await w.run()

    expect(readFileSync(outside, 'utf8')).toBe('export PS1=safe\n')
    expectOneError(
      run,
      undefined,
      /the report-path input "promptgate-report.json" goes through the symbolic link .* never written through a link/
    )
  })
})

describe('bad input to the CLI', () => {
  const config = lines(
    'version: 1',
    'provider: { id: "openai:m", base_url: "http://127.0.0.1:9", api_key_env: LLM_KEY }',
    'suites:',
    '  - name: s',
    '    prompts: prompts/*.md',
    '    tests: [{ vars: { q: one } }]',
    "    assert: [{ type: contains, value: 'x' }]"
  )

  it('a prompt file that is not UTF-8 is one error naming the file and line', async () => {
    const repo = createTwoCommitRepo(
      { [CONFIG]: config, 'prompts/a.md': 'Say {{q}}\n' },
      { [CONFIG]: config }
    )
    try {
      // Latin-1 "é" on line 2 of the head version.
      writeFileSync(join(repo.dir, 'prompts/a.md'), Buffer.from('Say {{q}}\nCaf\xe9\n', 'latin1'))
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir })
      git('add', '.')
      git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'latin-1')
      const run = await runCli(['--repo', repo.dir, '--base', repo.baseSha, '--head', 'HEAD', '--dry-run'])

      expect(run.code).toBe(2)
      expect(run.stderr).toBe(
        'promptgate: prompts/a.md:2: the file is not UTF-8 text (it may be saved as Latin-1 or UTF-16, or be binary); save it as UTF-8\n'
      )
    } finally {
      repo.remove()
    }
  })

  it('--report through a symbolic link is refused and the link target is left alone', async () => {
    const repo = createTwoCommitRepo({ [CONFIG]: config }, { [CONFIG]: config })
    try {
      const victim = join(mkdtempSync(join(tmpdir(), 'promptgate-victim-')), '.bashrc')
      writeFileSync(victim, 'safe')
      symlinkSync(victim, join(repo.dir, 'report.json'))
      const run = await runCli(
        ['--repo', repo.dir, '--base', repo.baseSha, '--head', repo.headSha, '--report', 'report.json'],
        {},
        repo.dir
      )

      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(
        /promptgate: --report "report.json" goes through the symbolic link .* -> .*\.bashrc/
      )
      expect(readFileSync(victim, 'utf8')).toBe('safe')
    } finally {
      repo.remove()
    }
  })
})
