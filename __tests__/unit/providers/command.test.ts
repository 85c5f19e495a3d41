import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../../../src/errors.js'
import { createCommandProvider, type CommandOptions } from '../../../src/providers/command.js'
import type { CompletionRequest } from '../../../src/providers/types.js'
import { failureOf } from '../../helpers/failure-of.js'

const hello: CompletionRequest = { messages: [{ role: 'user', content: 'say hello' }], parameters: {} }

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgate-command-'))
  const scripts: Record<string, string> = {
    // Answers the last user message in capitals and echoes what it read on stderr.
    'upper.mjs': `
      let input = ''
      for await (const chunk of process.stdin) input += chunk
      const request = JSON.parse(input)
      process.stderr.write(input)
      process.stdout.write(request.messages.at(-1).content.toUpperCase() + '\\n')`,
    'stdin.mjs': `
      let input = ''
      for await (const chunk of process.stdin) input += chunk
      process.stdout.write(input)`,
    'report.mjs': `
      console.log(JSON.stringify({ output: 'answer', tokens: { prompt: 12, completion: 3 }, cost: 0.25 }))`,
    'where.mjs': `console.log(JSON.stringify({ cwd: process.cwd(), marker: process.env.PROMPTGATE_MARKER, args: process.argv.slice(2) }))`,
    'fail.mjs': `
      for (let i = 1; i <= 30; i++) console.error('line ' + i)
      process.exit(3)`,
    'quiet-fail.mjs': `process.exit(7)`,
    'crash.mjs': `process.kill(process.pid, 'SIGSEGV')`,
    'bad-json.mjs': `console.log(JSON.stringify({ output: 'x', tokens: { prompt: 'many' } }))`,
    // Starts a grandchild that holds stdout open, records its pid, then hangs.
    'hang.mjs': `
      import { spawn } from 'node:child_process'
      import { writeFileSync } from 'node:fs'
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' })
      writeFileSync(process.argv[2], String(child.pid))
      process.stderr.write('working...\\n')
      setTimeout(() => {}, 60000)`,
    // Exits at once without reading its input.
    'deaf.mjs': `console.log('did not listen')`
  }
  for (const [name, source] of Object.entries(scripts)) await writeFile(join(dir, name), source)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function quoted(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`
}

function nodeScript(name: string, ...args: string[]): string {
  return [process.execPath, join(dir, name), ...args].map(quoted).join(' ')
}

function provider(command: string, options: Partial<CommandOptions> = {}) {
  return createCommandProvider({ id: `command:${command}` }, command, {
    cwd: dir,
    env: process.env,
    timeoutMs: 10_000,
    ...options
  })
}

describe('command provider: protocol', () => {
  it('sends the request as JSON on stdin and answers with stdout less its trailing newline', async () => {
    const completion = await provider(nodeScript('upper.mjs')).complete(hello)
    expect(completion.output).toBe('SAY HELLO')
    expect(completion.latencyMs).toBeGreaterThan(0)
    expect(completion.tokens).toBeUndefined()
    expect(completion.cost).toBeUndefined()
  })

  it('sends messages, parameters, responseFormat and jsonSchema', async () => {
    const request: CompletionRequest = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi "there"\nsecond line' }
      ],
      parameters: { temperature: 0, maxTokens: 50 },
      responseFormat: 'json_schema',
      jsonSchema: { name: 'x', schema: { type: 'object' } }
    }
    const completion = await provider(nodeScript('stdin.mjs')).complete(request)
    expect(JSON.parse(completion.output)).toEqual(request)
  })

  it('leaves responseFormat out when the prompt sets none', async () => {
    const completion = await provider(nodeScript('stdin.mjs')).complete(hello)
    expect(JSON.parse(completion.output)).toEqual({ messages: hello.messages, parameters: {} })
  })

  it('reads tokens and cost from an {"output": ...} object', async () => {
    const completion = await provider(nodeScript('report.mjs')).complete(hello)
    expect(completion).toMatchObject({
      output: 'answer',
      tokens: { prompt: 12, completion: 3, total: 15 },
      cost: 0.25
    })
  })

  it('fails clearly on malformed tokens', async () => {
    const command = nodeScript('bad-json.mjs')
    const error = await failureOf(provider(command).complete(hello))
    expect(error).not.toBeInstanceOf(UserError)
    expect(error.message).toContain(`command:${command} printed "tokens" as {"prompt":"many"}`)
  })

  it('runs in the working directory with the environment and the arguments it is given', async () => {
    const command = `${nodeScript('where.mjs')} --model "big one" plain`
    const completion = await provider(command, {
      env: { ...process.env, PROMPTGATE_MARKER: 'here' }
    }).complete(hello)
    expect(JSON.parse(completion.output)).toEqual({
      cwd: await realPath(dir),
      marker: 'here',
      args: ['--model', 'big one', 'plain']
    })
  })

  it('does not mind a program that never reads its input', async () => {
    const big = { ...hello, messages: [{ role: 'user' as const, content: 'x'.repeat(2_000_000) }] }
    await expect(provider(nodeScript('deaf.mjs')).complete(big)).resolves.toMatchObject({
      output: 'did not listen'
    })
  })
})

describe('command provider: failures', () => {
  it('reports the exit code and the last 20 lines of stderr', async () => {
    const command = nodeScript('fail.mjs')
    const error = await failureOf(provider(command).complete(hello))
    const expectedLines = Array.from({ length: 20 }, (_, i) => `line ${i + 11}`).join('\n')
    expect(error.message).toBe(
      `command:${command} exited with code 3; the last 20 lines of its stderr:\n${expectedLines}`
    )
  })

  it('says so when a failing program printed nothing on stderr', async () => {
    const command = nodeScript('quiet-fail.mjs')
    const error = await failureOf(provider(command).complete(hello))
    expect(error.message).toBe(`command:${command} exited with code 7; it printed nothing on stderr.`)
  })

  it('reports a program killed by a signal', async () => {
    const command = nodeScript('crash.mjs')
    const error = await failureOf(provider(command).complete(hello))
    expect(error.message).toBe(`command:${command} was killed by SIGSEGV; it printed nothing on stderr.`)
  })

  it('stops the program and what it started when the timeout passes', async () => {
    const pidFile = join(dir, 'grandchild.pid')
    const command = nodeScript('hang.mjs', pidFile)
    const started = Date.now()
    const error = await failureOf(provider(command, { timeoutMs: 500 }).complete(hello))

    expect(error.message).toBe(
      `command:${command} did not finish within 500 ms and was stopped; its stderr:\nworking...`
    )
    expect(Date.now() - started).toBeLessThan(3_000)
    const grandchild = Number(await readFile(pidFile, 'utf8'))
    expect(await gone(grandchild)).toBe(true)
  })

  it('stops the program when the run is cancelled', async () => {
    const pidFile = join(dir, 'cancelled.pid')
    const command = nodeScript('hang.mjs', pidFile)
    const controller = new AbortController()
    const pending = provider(command).complete(hello, controller.signal)
    setTimeout(() => controller.abort(), 300)
    const error = await failureOf(pending)
    expect(error.message).toBe(`command:${command}: the request was cancelled.`)
    expect(await gone(Number(await readFile(pidFile, 'utf8')))).toBe(true)
  })

  it('says "command not found" for a missing program, as a UserError', async () => {
    const error = await failureOf(provider('promptgate-no-such-program --flag').complete(hello))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe('command not found: promptgate-no-such-program')
  })

  it('names a working directory that does not exist', async () => {
    const missing = join(dir, 'missing')
    const error = await failureOf(provider(nodeScript('upper.mjs'), { cwd: missing }).complete(hello))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain(`the working directory ${missing} does not exist`)
  })

  it('rejects a command line a shell would be needed for before any call', () => {
    expect(() => provider('python model.py | tee log')).toThrow(UserError)
    expect(() => provider('   ')).toThrow('names no program to run')
  })
})

async function realPath(path: string): Promise<string> {
  const { realpath } = await import('node:fs/promises')
  return realpath(path)
}

/**
 * Whether the process has gone within a second. A killed orphan may stay a zombie (state Z) where PID 1
 * does not reap, as in some containers: it is dead all the same.
 */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      process.kill(pid, 0)
      if (/^\d+ \(.*\) Z/.test(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))) return true
    } catch {
      return true
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return false
}
