/**
 * A real HAProxy in front of the replicas, on loopback, started from a generated config: round robin,
 * active health checks on readiness (`/v2/health/ready`), and retries on another replica for
 * requests that are safe to replay. Its stats page says which replicas it counts as up.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LoadBalancer {
  url: string
  /** Replica name → HAProxy's view of it (`UP`, `DOWN`, `UP 1/2`, ...). */
  states(): Promise<Record<string, string>>
  /** Resolves once HAProxy reports `name` as `state` (`UP` or `DOWN`). */
  waitFor(name: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>
  log(): string
  stop(): Promise<void>
}

export function hasHaproxy(): boolean {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A port the kernel says is free now (HAProxy and restarted replicas need it known in advance). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => done(port))
    })
  })
}

/** The checks run every 200 ms and two in a row change a replica's state: 0.4 s to notice. */
export function haproxyConfig(port: number, statsPort: number, replicas: Record<string, number>): string {
  const servers = Object.entries(replicas).map(
    ([name, replicaPort]) => `  server ${name} 127.0.0.1:${replicaPort} check`,
  )
  return `global
  maxconn 2048

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  # A request whose connection failed, or whose replica closed without answering, goes to another one.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend fleet
  bind 127.0.0.1:${port}
  # The whole request is read first, so that it can be replayed.
  option http-buffer-request
  default_backend replicas

frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats

backend replicas
  balance roundrobin
  option httpchk
  http-check send meth GET uri /v2/health/ready
  http-check expect status 200
  default-server inter 200ms fastinter 100ms downinter 200ms rise 2 fall 2
  # Replayed on another replica: GETs, and inference (a pure function of its inputs). Not chat
  # completions or other POSTs: the upstream may have acted on them already.
  http-request disable-l7-retry if METH_POST !{ path_end /infer }
  http-response set-header x-fleet-replica %s
  # A fresh connection to a replica per request: a request that cannot be replayed must never be
  # sent down a kept-alive connection whose replica has just died (it would fail after sending).
  option http-server-close
${servers.join('\n')}
`
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

export async function startHaproxy(replicas: Record<string, number>): Promise<LoadBalancer> {
  const [port, statsPort] = [await freePort(), await freePort()]
  const dir = await mkdtemp(join(tmpdir(), 'modelport-haproxy-'))
  const config = join(dir, 'haproxy.cfg')
  await writeFile(config, haproxyConfig(port, statsPort, replicas))
  // -db: stay in the foreground, so the test owns the process.
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise((done) => child.once('exit', done))

  const states = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text()
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n')
    const columns = (header ?? '').split(',')
    const at = (name: string) => columns.indexOf(name)
    const result: Record<string, string> = {}
    for (const row of rows.map((line) => line.split(','))) {
      if (row[at('pxname')] === 'replicas' && !['FRONTEND', 'BACKEND'].includes(row[at('svname')] ?? ''))
        result[row[at('svname')] as string] = row[at('status')] as string
    }
    return result
  }
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${output}`)
    const answered = await states().catch(() => undefined)
    if (answered) break
    if (attempt > 100) throw new Error(`haproxy did not start:\n${output}`)
    await sleep(50)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    states,
    async waitFor(name, state, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const current = (await states())[name]
        if (current === state) return
        if (Date.now() > deadline)
          throw new Error(`replica ${name} is '${current}', not ${state}, after ${timeoutMs} ms`)
        await sleep(50)
      }
    },
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
