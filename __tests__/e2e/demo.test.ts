import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { NODE } from '../helpers/run-action.js'

const root = resolve(import.meta.dirname, '..', '..')

function runDemo(): Promise<{ code: number; output: string }> {
  const child = spawn(NODE, [join(root, 'examples', 'demo.mjs')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' }
  })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(done => child.on('close', code => done({ code: code ?? -1, output })))
}

describe('npm run demo', () => {
  it('shows the gate, then the release leg: two registered versions, a 5% canary, and a service splitting keys', async () => {
    const { code, output } = await runDemo()
    expect(output).toContain('promptgate: verdict regressed')
    expect(output).toMatch(
      /prompts\/review-sentiment\.prompt\.yml: registered v1 \(sha256:[0-9a-f]{8}\), latest → v1; pass_rate 1 \(n=5\)/
    )
    expect(output).toMatch(/registered v2 \(sha256:[0-9a-f]{8}\), latest → v2; pass_rate 0 \(n=5\)/)
    expect(output).toContain('prompts/review-sentiment.prompt.yml: canary none → v2 at 5%')
    expect(output).toMatch(/v2 +sha256:[0-9a-f]{8} .*canary 5%, latest/)
    const split = /of 1,000 users (\d+) get the canary, (\d+) stable/.exec(output)
    expect(split).not.toBeNull()
    const canary = Number(split?.[1])
    expect(canary + Number(split?.[2])).toBe(1000)
    expect(canary).toBeGreaterThan(25)
    expect(canary).toBeLessThan(80)
    expect(code).toBe(0)
  })
})
