/**
 * `pnpm start` as a person or a supervisor runs it: pnpm and the built server in one process group. A SIGTERM to the whole group (what Ctrl-C and systemd's default `KillMode=control-group`
 * do) reaches the server once directly and again through each wrapper that relays it; the server must
 * read that as one stop: the request in flight is answered, the process tree exits 0. A second signal
 * sent deliberately later stops at once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/fake-upstream.js'
import { type SlowUpstream, slowConfig, startSlowUpstream } from './slow-upstream.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
/** The pnpm running these tests when there is one (`pnpm test`), else the one on PATH. */
const pnpm: [string, string[]] =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['pnpm', []]

let upstream: SlowUpstream
let dir: string

beforeAll(async () => {
  // Builds when the build is missing or stale, as `pnpm start` would; once, before the timed part.
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`)
  upstream = await startSlowUpstream({ delayMs: 800, intervalMs: 100, chunks: 4 })
  dir = await mkdtemp(join(tmpdir(), 'modelport-pnpm-start-'))
  await writeFile(join(dir, 'config.json'), JSON.stringify(slowConfig(upstream.baseUrl)))
}, 240_000)
afterAll(async () => {
  await upstream?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function pnpmStart() {
  const child = spawn(pnpm[0], [...pnpm[1], 'start'], {
    cwd: root,
    // Its own process group, so the test can signal the whole group as a terminal does.
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      MODELPORT_MODELS: join(dir, 'models'),
      MODELPORT_CONFIG: join(dir, 'config.json'),
      MODELPORT_SHUTDOWN_GRACE_MS: '10000',
      MODELPORT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: { msg?: string; url?: string; signal?: string }[] = []
  let output = ''
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
    output += `${line}\n`
    try {
      lines.push(JSON.parse(line))
    } catch {
      // pnpm's own lines.
    }
  })
  child.stderr?.on('data', (data) => (output += data))
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  )
  const group = (signal: NodeJS.Signals) => process.kill(-(child.pid as number), signal)
  return { child, lines, exited, group, output: () => output }
}

const slowChat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }),
  })

describe('pnpm start', () => {
  it('serves the build with plain node; a group SIGTERM mid-request: answered, one stop, exit 0', async () => {
    const started = pnpmStart()
    try {
      expect(await eventually(() => started.lines.some((l) => l.msg === 'listening'), 20_000)).toBe(true)
      const url = started.lines.find((l) => l.msg === 'listening')?.url as string
      // The server is the build, run by node itself: no tsx, no TypeScript compiled at start.
      const tree = spawnSync('ps', ['-o', 'args=', '-g', String(started.child.pid)], { encoding: 'utf8' })
      expect(tree.stdout).toMatch(/node \S*packages\/server\/dist\/cli\.js serve/)
      expect(tree.stdout).not.toMatch(/tsx/)
      // pnpm and the server, nothing between them: no shell, no wrapper left running.
      expect(tree.stdout.trim().split('\n')).toHaveLength(2)

      const received = upstream.received
      const answer = slowChat(url)
      expect(await eventually(() => upstream.received === received + 1, 5000)).toBe(true)
      started.group('SIGTERM')

      const response = await answer
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'slow' } }] })
      expect(await started.exited, started.output()).toEqual({ code: 0, signal: null })
      const messages = started.lines.map((l) => l.msg)
      expect(messages.filter((m) => m === 'shutting down')).toHaveLength(1)
      expect(messages).toContain('stopped')
      expect(messages).not.toContain('stopping at once: requests in flight are cut')
      expect(started.output()).not.toMatch(/ELIFECYCLE/)
    } finally {
      // Ended by a code or by a signal: either way the group is gone.
      if (started.child.exitCode === null && started.child.signalCode === null) started.group('SIGKILL')
    }
  }, 60_000)

  it('stops at once on a second signal sent later, cutting what is in flight', async () => {
    const started = pnpmStart()
    try {
      expect(await eventually(() => started.lines.some((l) => l.msg === 'listening'), 20_000)).toBe(true)
      const url = started.lines.find((l) => l.msg === 'listening')?.url as string
      // A stream that sends one chunk and then nothing: in flight until the grace period (10 s) ends.
      const received = upstream.received
      const stalled = fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'stall', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      }).then(
        (r) => r.text().catch(() => 'cut'),
        () => 'cut',
      )
      expect(await eventually(() => upstream.received === received + 1, 5000)).toBe(true)
      started.group('SIGINT')
      expect(await eventually(() => started.lines.some((l) => l.msg === 'shutting down'), 5000)).toBe(true)
      await new Promise((done) => setTimeout(done, 1200))
      const secondAt = performance.now()
      started.group('SIGINT')
      const exit = await started.exited
      expect(started.lines.map((l) => l.msg)).toContain('stopping at once: requests in flight are cut')
      expect(performance.now() - secondAt).toBeLessThan(3000)
      expect(exit.code).not.toBe(0)
      expect(await stalled).not.toMatch(/\[DONE\]/)
    } finally {
      // Ended by a code or by a signal: either way the group is gone.
      if (started.child.exitCode === null && started.child.signalCode === null) started.group('SIGKILL')
    }
  }, 60_000)
})
