/**
 * A real `modelport serve` in its own process for the hostile-load suites: its memory is its own, its
 * stdout (every JSON log line) is kept whole for "no key in any log line", and `watch()` measures it from
 * outside while an attack runs — from a process of its own, resident memory sampled every 25 ms and a
 * liveness probe every 20 ms — and
 * the event loop's longest delay as the server's own `/metrics` reports it (perf_hooks'
 * monitorEventLoopDelay, reset at each scrape).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const serverDir = fileURLToPath(new URL('../../..', import.meta.url))

export interface HostileServer {
  url: string
  pid: number
  /** Every stdout line so far (JSON log lines), and stderr. */
  output(): string
  logLines(): Record<string, unknown>[]
  watch(): Promise<Watch>
  /**
   * Resident memory `afterMs` after now (default 10 s, the target's "back near the baseline"), sampled
   * every 500 ms: the last sample and the lowest.
   */
  settledRss(afterMs?: number): Promise<{ lastMiB: number; lowestMiB: number }>
  close(): Promise<void>
}

export interface Watch {
  stop(): Promise<WatchReport>
}

export interface WatchReport {
  rssBaselineMiB: number
  rssPeakMiB: number
  livenessP99Ms: number
  livenessMaxMs: number
  /** Probes that failed or took over 2 s. */
  livenessFailures: number
  probes: number
  /** The longest event-loop delay the server saw while watched. */
  eventLoopMaxMs: number
}

/** Resident memory of a process, in MiB (Linux). */
export const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

/**
 * The watcher, in a process of its own so the test's own work (building a request, reading an answer)
 * never delays a probe: it samples the server's resident memory every 25 ms and asks liveness every 20 ms
 * until its stdin closes, then prints its figures.
 */
const WATCHER = `
const [url, pid] = process.argv.slice(1)
const { readFileSync } = require('node:fs')
const rss = () => Number(/VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1]) / 1024
const baseline = rss()
let peak = baseline
let watching = true
const latencies = []
let failures = 0
const sampler = setInterval(() => { try { peak = Math.max(peak, rss()) } catch {} }, 25)
process.stdin.on('end', () => { watching = false }).resume()
;(async () => {
  // One probe first, so the figures hold no connection set-up.
  await fetch(url + '/v2/health/live').then((answer) => answer.arrayBuffer()).catch(() => {})
  process.stdout.write('started\\n')
  while (watching) {
    const started = performance.now()
    try {
      const answer = await fetch(url + '/v2/health/live', { signal: AbortSignal.timeout(2000) })
      await answer.arrayBuffer()
      if (answer.status !== 200) failures++
    } catch { failures++ }
    latencies.push(performance.now() - started)
    await new Promise((done) => setTimeout(done, 20))
  }
  clearInterval(sampler)
  try { peak = Math.max(peak, rss()) } catch {}
  const sorted = latencies.sort((a, b) => a - b)
  const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] : 0
  process.stdout.write(JSON.stringify({
    rssBaselineMiB: Math.round(baseline),
    rssPeakMiB: Math.round(peak),
    livenessP99Ms: Math.round(p99 * 10) / 10,
    livenessMaxMs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
    livenessFailures: failures,
    probes: latencies.length,
  }))
})()
`

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

async function eventLoopMaxMs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const max = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]
  return max === undefined ? Number.NaN : Number(max) * 1000
}

export interface HostileServerOptions {
  /** The config file's content (providers, routes, limits). */
  config?: unknown
  /** Model repository folder (default: an empty one; the built-in models are served either way). */
  modelsDir?: string
  env?: Record<string, string>
}

export async function startHostileServer(options: HostileServerOptions = {}): Promise<HostileServer> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-hostile-'))
  const configPath = join(dir, 'config.json')
  await writeFile(configPath, JSON.stringify(options.config ?? {}))
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      MODELPORT_LOG_LEVEL: 'info',
      MODELPORT_MODELS: options.modelsDir ?? join(dir, 'models'),
      MODELPORT_CONFIG: configPath,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (data) => (stderr += data))
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const url = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
      // Kept whole up to 64 MiB: the suite looks for keys in every line.
      if (stdout.length < 64 * 1024 * 1024) stdout += `${line}\n`
      if (line.includes('"listening"')) {
        try {
          done((JSON.parse(line) as { url: string }).url)
        } catch {
          // Not a log line.
        }
      }
    })
    void exited.then(() => fail(new Error(`the server exited before listening: ${stderr}`)))
  })
  // Ready means every built-in model loaded.
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`${url}/v2/health/ready`).catch(() => undefined)
    if (ready?.status === 200) break
    await sleep(100)
  }
  const pid = child.pid as number
  return {
    url,
    pid,
    output: () => stdout + stderr,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async watch() {
      await eventLoopMaxMs(url)
      const watcher = spawn(process.execPath, ['-e', WATCHER, url, String(pid)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      })
      let report = ''
      watcher.stdout?.on('data', (data) => (report += data))
      await new Promise<void>((done) => watcher.stdout?.once('data', () => done()))
      return {
        async stop() {
          const ended = new Promise<void>((done) => watcher.once('exit', () => done()))
          watcher.stdin?.end()
          await ended
          const figures = JSON.parse(report.slice(report.indexOf('\n') + 1)) as Omit<
            WatchReport,
            'eventLoopMaxMs'
          >
          return { ...figures, eventLoopMaxMs: Math.round((await eventLoopMaxMs(url)) * 10) / 10 }
        },
      }
    },
    async settledRss(afterMs = 10_000) {
      let lowestMiB = rssMiB(pid)
      for (let waited = 0; waited < afterMs; waited += 500) {
        await sleep(500)
        lowestMiB = Math.min(lowestMiB, rssMiB(pid))
      }
      return { lastMiB: Math.round(rssMiB(pid)), lowestMiB: Math.round(lowestMiB) }
    },
    async close() {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Prints one attack's figures (the report collects them from the test output). */
export function record(attack: string, report: WatchReport, extra: Record<string, unknown> = {}): void {
  console.log(`[hostile] ${attack}: ${JSON.stringify({ ...report, ...extra })}`)
}
