import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** Debian's `prometheus` package (`.ci/run` installs it), else the first on PATH. */
export function prometheusBinary(): string {
  const candidates = [
    '/usr/bin/prometheus',
    ...(process.env.PATH ?? '').split(delimiter).map(dir => join(dir, 'prometheus'))
  ]
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // try the next
    }
  }
  throw new Error(
    "no prometheus binary at /usr/bin/prometheus or on PATH; .ci/run installs Debian's prometheus package"
  )
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise(done => server.close(done))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

export interface RealPrometheus {
  url: string
  /** An instant query's vector as numbers (empty when no series). */
  query(promql: string): Promise<number[]>
  stop(): Promise<void>
}

/** A real Prometheus on loopback, scraping `target` (host:port) every second, with a throw-away TSDB. */
export async function startPrometheus(target: string, readyWithinMs = 45_000): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-prometheus-'))
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['${target}']\n`
  )
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let log = ''
  const child: ChildProcess = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn'
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  child.stderr?.on('data', chunk => (log = (log + chunk).slice(-4000)))
  let exited = false
  child.on('exit', () => (exited = true))

  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise(done => child.once('exit', done))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + readyWithinMs
  for (;;) {
    if (exited) throw new Error(`prometheus exited at start-up:\n${log}`)
    const ready = await fetch(`${url}/-/ready`).then(
      response => response.ok,
      () => false
    )
    if (ready) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`prometheus was not ready within ${readyWithinMs / 1000}s:\n${log}`)
    }
    await new Promise(done => setTimeout(done, 200))
  }

  return {
    url,
    stop,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`)
      const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } }
      return (body.data?.result ?? []).map(sample => Number(sample.value[1]))
    }
  }
}

/** Polls `check` every 250 ms until it is true, or fails naming what it waited for. */
export async function waitFor(what: string, check: () => Promise<boolean>, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${withinMs / 1000}s waiting for ${what}`)
    await new Promise(done => setTimeout(done, 250))
  }
}
