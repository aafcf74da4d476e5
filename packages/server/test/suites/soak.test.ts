/**
 * The soak: a minute and more of mixed load on a real server in its own process — tensor inference,
 * chat (whole and streamed) through a fake upstream, local embeddings, model lists, statistics and a
 * share of bad requests — with the memory a full collection leaves (resident and heap) measured once
 * the warm-up is over and again at the end. Neither may grow by 10% or more, and no answer may be a 5xx.
 * Resident memory sampled without a collection swings about 25% with the collector's cycle.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnServer } from '../lifecycle/spawn-server.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import type { Repository } from '../support/models.js'
import { fullRepository } from './support/full-app.js'

/**
 * Warm-up ends once resident memory has grown less than 1% over 10 s: V8 sizes its heap to the
 * allocation rate first, which takes longer the slower the machine runs.
 */
const WARM_UP_MIN_MS = 16_000
const WARM_UP_MAX_MS = 50_000
const SOAK_MS = Number(process.env.MODELPORT_SOAK_MS ?? 60_000)
const WORKERS = 6

/** Resident memory of a process, in bytes (Linux). */
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024

let repo: Repository
let upstream: FakeUpstream
let configDir: string
let server: Awaited<ReturnType<typeof spawnServer>>

beforeAll(async () => {
  repo = await fullRepository()
  upstream = await startFakeUpstream('openai')
  configDir = await mkdtemp(join(tmpdir(), 'modelport-soak-'))
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({
      providers: { up: { type: 'openai-compatible', baseUrl: upstream.baseUrl } },
      routes: { chat: { targets: [{ provider: 'up', model: 'gpt-fake' }] } },
    }),
  )
  server = await spawnServer(
    { MODELPORT_MODELS: repo.dir, MODELPORT_CONFIG: join(configDir, 'config.json') },
    ['test/suites/support/soak-server.ts'],
  )
}, 60_000)

afterAll(async () => {
  server?.child.kill('SIGTERM')
  await server?.exited
  await upstream?.close()
  await repo?.remove()
  await rm(configDir, { recursive: true, force: true })
})

type Call = { method: string; path: string; body?: string; expect: number[]; stream?: boolean }

const json = (value: unknown) => JSON.stringify(value)
const chat = (stream: boolean) => json({ model: 'chat', stream, messages: [{ role: 'user', content: 'hi' }] })

/** The mix, by weight: mostly work, some reads, some mistakes. */
const mix: [number, () => Call][] = [
  [
    30,
    () => ({
      method: 'POST',
      path: '/v2/models/scale/infer',
      body: json({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }],
      }),
      expect: [200],
    }),
  ],
  [10, () => ({ method: 'POST', path: '/v1/chat/completions', body: chat(false), expect: [200] })],
  [
    10,
    () => ({ method: 'POST', path: '/v1/chat/completions', body: chat(true), expect: [200], stream: true }),
  ],
  [
    15,
    () => ({
      method: 'POST',
      path: '/v1/embeddings',
      body: json({ model: 'tiny', input: ['the cat sat', `run ${Math.random()}`] }),
      expect: [200],
    }),
  ],
  [8, () => ({ method: 'GET', path: '/v1/models', expect: [200] })],
  [4, () => ({ method: 'GET', path: '/v2/models/stats', expect: [200] })],
  [3, () => ({ method: 'POST', path: '/v2/repository/index', expect: [200] })],
  [5, () => ({ method: 'POST', path: '/v2/models/scale/infer', body: '{"inputs": [', expect: [400] })],
  [4, () => ({ method: 'POST', path: '/v2/models/nope/infer', body: '{}', expect: [404] })],
  [
    4,
    () => ({
      method: 'POST',
      path: '/v1/embeddings',
      body: json({ model: 'tiny', input: [] }),
      expect: [400],
    }),
  ],
  [
    4,
    () => ({
      method: 'POST',
      path: '/v1/chat/completions',
      body: json({ model: 'missing', messages: [] }),
      expect: [400, 404],
    }),
  ],
  [
    3,
    () => ({
      method: 'POST',
      path: '/v2/models/scale/infer',
      body: json({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1] }] }),
      expect: [400],
    }),
  ],
]
const total = mix.reduce((sum, [weight]) => sum + weight, 0)
function pick(): Call {
  let roll = Math.random() * total
  for (const [weight, make] of mix) {
    roll -= weight
    if (roll < 0) return make()
  }
  return (mix[0] as [number, () => Call])[1]()
}

let memoryReadings = 0

/** The server's memory right after a full garbage collection (it collects on SIGUSR2 and prints it). */
async function collectedMemory(): Promise<{ rss: number; heapUsed: number }> {
  const n = ++memoryReadings
  server.child.kill('SIGUSR2')
  for (let waited = 0; waited < 10_000; waited += 50) {
    const line = server.lines.find((entry) => entry.msg === 'memory' && entry.n === n)
    if (line) return { rss: line.rss as number, heapUsed: line.heapUsed as number }
    await new Promise((done) => setTimeout(done, 50))
  }
  throw new Error('the server printed no memory line after SIGUSR2')
}

describe('soak', () => {
  it(`${SOAK_MS / 1000} s of mixed load: memory left by a full collection (resident, heap) grows less than 10%, no 5xx`, async () => {
    const pid = server.child.pid as number
    const unexpected: string[] = []
    let requests = 0
    let stop = false
    const worker = async () => {
      while (!stop) {
        const call = pick()
        const response = await fetch(`${server.url}${call.path}`, {
          method: call.method,
          headers: { 'content-type': 'application/json' },
          ...(call.body !== undefined && { body: call.body }),
        })
        const text = await response.text()
        requests++
        if (
          !call.expect.includes(response.status) ||
          (call.stream && !text.trimEnd().endsWith('data: [DONE]'))
        )
          unexpected.push(`${call.method} ${call.path}: ${response.status} ${text.slice(0, 100)}`)
        // The fake upstream records requests; keep this process's memory flat too.
        if (requests % 1000 === 0) upstream.reset()
      }
    }
    const workers = Array.from({ length: WORKERS }, worker)
    const warmUp: number[] = []
    const warmStarted = Date.now()
    for (;;) {
      await new Promise((done) => setTimeout(done, 2000))
      warmUp.push(rssOf(pid))
      const elapsed = Date.now() - warmStarted
      const settled = warmUp.length >= 6 && (warmUp.at(-1) as number) < (warmUp.at(-6) as number) * 1.01
      if (elapsed >= WARM_UP_MAX_MS || (elapsed >= WARM_UP_MIN_MS && settled)) break
    }
    const warmUpMs = Date.now() - warmStarted
    const first = await collectedMemory()
    const samples: number[] = []
    const started = Date.now()
    while (Date.now() - started < SOAK_MS) {
      samples.push(rssOf(pid))
      await new Promise((done) => setTimeout(done, 1000))
    }
    // Measured under load, as at the start: a leak raises what a full collection leaves.
    const last = await collectedMemory()
    stop = true
    await Promise.all(workers)

    const growth = (last.rss - first.rss) / first.rss
    const heapGrowth = (last.heapUsed - first.heapUsed) / first.heapUsed
    const mib = (bytes: number) => (bytes / 1048576).toFixed(0)
    console.info(
      `soak: ${requests} requests in ${((warmUpMs + SOAK_MS) / 1000).toFixed(0)} s (warm-up ${(warmUpMs / 1000).toFixed(0)} s); after full collections rss ${mib(first.rss)} → ${mib(last.rss)} MiB (${(growth * 100).toFixed(1)}%), heap ${mib(first.heapUsed)} → ${mib(last.heapUsed)} MiB (${(heapGrowth * 100).toFixed(1)}%); rss between ${mib(Math.min(...samples))} and ${mib(Math.max(...samples))} MiB`,
    )
    expect(unexpected.slice(0, 10)).toEqual([])
    expect(requests).toBeGreaterThan(1000)
    expect(growth).toBeLessThan(0.1)
    expect(heapGrowth).toBeLessThan(0.1)
  }, 180_000)
})
