/**
 * A fleet on loopback: three `modelport serve` processes from the production folder, behind a real
 * HAProxy that health-checks their readiness, sharing one Redis for rate limits and one model
 * repository (with watch on). Under steady load through the load balancer:
 *   (b) a per-key rpm limit holds exactly across the three replicas;
 *   (a) a rolling restart of every replica loses no request;
 *   (c) a new model version rolled out on every replica serves no failed request;
 *   (d) a replica killed with SIGKILL costs at most the requests it held that cannot be replayed.
 */
import { createHash } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simplenetModel, simplenetWeights } from '../../scripts/simplenet.js'
import { hasRedisServer, type RedisServer, startRedisServer } from '../limits/redis-server.js'
import { freePort, hasHaproxy, type LoadBalancer, startHaproxy } from './haproxy.js'
import { failed, type Load, type Outcome, startLoad, summary } from './load-loop.js'
import { buildProductionFolder, type ProductionFolder } from './production-folder.js'
import { type ServeProcess, startServeProcess } from './serve-process.js'
import { type SlowUpstream, startSlowUpstream } from './slow-upstream.js'

const LOAD_KEY = 'mp-fleet-load-0123456789'
const LIMITED_KEY = 'mp-fleet-limited-0123456789'
/** The limited key's requests per minute: one every 5 s after a burst of 12. */
const RPM = 12
const MODEL = 'fleetnet'
/** How long the upstream takes per chat completion: some are always in flight on every replica. */
const CHAT_DELAY_MS = 150
const NAMES = ['r1', 'r2', 'r3'] as const
type Name = (typeof NAMES)[number]

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

const ready = hasHaproxy() && hasRedisServer()
if (!ready) console.warn('fleet test: skipped, it needs haproxy and redis-server (.ci/run installs both)')

let folder: ProductionFolder
let redis: RedisServer
let upstream: SlowUpstream
let lb: LoadBalancer
let load: Load
let modelsDir: string
let env: Record<string, string>
const ports = {} as Record<Name, number>
const replicas = {} as Record<Name, ServeProcess>
let phase = 'steady'
const figures: Record<string, unknown> = {}

const startReplica = (name: Name) =>
  startServeProcess({ folder: folder.path, env: { ...env, PORT: String(ports[name]) } })

async function writeVersion(version: number, seed: number): Promise<void> {
  // Written beside the repository, then renamed in: the watcher never sees half a file.
  const staging = join(dirname(modelsDir), `staging-${version}`)
  await mkdir(staging, { recursive: true })
  await writeFile(join(staging, 'model.onnx'), simplenetModel(simplenetWeights(seed)))
  await rename(staging, join(modelsDir, MODEL, String(version)))
}

async function versionServedBy(url: string): Promise<string | undefined> {
  const response = await fetch(`${url}/v2/models/${MODEL}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${LOAD_KEY}` },
    body: JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(0) }],
    }),
  })
  return response.ok ? ((await response.json()) as { model_version: string }).model_version : undefined
}

const inPhase = (name: string) => load.outcomes.filter((outcome) => outcome.phase === name)
const describeFailures = (outcomes: Outcome[]) =>
  outcomes
    .filter(failed)
    .map((outcome) => `${outcome.kind} ${outcome.status} ${outcome.replica ?? '-'} ${outcome.error ?? ''}`)

beforeAll(async () => {
  if (!ready) return
  ;[folder, redis, upstream] = await Promise.all([
    buildProductionFolder(),
    startRedisServer(),
    startSlowUpstream(CHAT_DELAY_MS),
  ])
  const root = dirname(folder.path)
  modelsDir = join(root, 'models')
  await mkdir(join(modelsDir, MODEL), { recursive: true })
  await writeVersion(1, 1)
  const config = join(root, 'modelport.yaml')
  await writeFile(
    config,
    `providers:
  upstream: { type: openai-compatible, baseUrl: "${upstream.baseUrl}" }
routes:
  chat-default:
    targets: [{ provider: upstream, model: gpt-upstream }]
auth:
  keys:
    - { name: load, sha256: "${sha256(LOAD_KEY)}" }
    - { name: limited, sha256: "${sha256(LIMITED_KEY)}", rpm: ${RPM} }
`,
  )
  env = {
    MODELPORT_MODELS: modelsDir,
    MODELPORT_CONFIG: config,
    MODELPORT_REDIS_URL: redis.url,
    MODELPORT_WATCH: '1',
    // Readiness turns 503 at once; HAProxy notices within 0.4 s, well inside this delay.
    MODELPORT_SHUTDOWN_DELAY_MS: '1000',
    MODELPORT_SHUTDOWN_GRACE_MS: '10000',
  }
  for (const name of NAMES) ports[name] = await freePort()
  const started = await Promise.all(NAMES.map(startReplica))
  NAMES.forEach((name, index) => {
    replicas[name] = started[index] as ServeProcess
  })
  lb = await startHaproxy(Object.fromEntries(NAMES.map((name) => [name, ports[name]])))
  for (const name of NAMES) await lb.waitFor(name, 'UP')
  load = startLoad({ url: lb.url, apiKey: LOAD_KEY, model: MODEL, phase: () => phase })
  await sleep(1500)
}, 120_000)

afterAll(async () => {
  await load?.stop()
  if (load) console.info(`fleet figures: ${JSON.stringify(figures)}`)
  await Promise.all(NAMES.map((name) => replicas[name]?.stop('SIGKILL')))
  await Promise.all([lb?.stop(), redis?.stop(), upstream?.close()])
  await folder?.remove()
})

describe.runIf(ready)('three replicas behind HAProxy, sharing one Redis', () => {
  it('serve steady load with no failed request, spread over every replica', () => {
    const steady = inPhase('steady')
    expect(steady.length).toBeGreaterThanOrEqual(12)
    expect(describeFailures(steady)).toEqual([])
    expect(new Set(steady.map((outcome) => outcome.replica))).toEqual(new Set(NAMES))
    figures.steady = summary(steady)
  })

  it(`hold a key to exactly ${RPM} requests per minute across the three, not ${RPM} each`, async () => {
    phase = 'rate-limit'
    const started = performance.now()
    const responses = await Promise.all(
      Array.from({ length: RPM * NAMES.length }, async (_, index) => {
        const name = NAMES[index % NAMES.length] as Name
        const response = await fetch(`${replicas[name].url}/v1/models`, {
          headers: { authorization: `Bearer ${LIMITED_KEY}` },
        })
        const body = (await response.json()) as { error?: { code: string } }
        return { name, status: response.status, retryAfter: response.headers.get('retry-after'), body }
      }),
    )
    const elapsed = performance.now() - started
    const allowed = responses.filter((response) => response.status === 200)
    const refused = responses.filter((response) => response.status === 429)
    // GCRA lets one more in per 60 s / RPM after the burst; the burst takes far less than that here.
    const emitted = Math.floor(elapsed / (60_000 / RPM))
    expect(allowed.length).toBe(RPM + emitted)
    expect(refused.length).toBe(responses.length - allowed.length)
    for (const response of refused) {
      expect(response.body.error?.code).toBe('rate_limit_exceeded')
      expect(Number(response.retryAfter)).toBeGreaterThanOrEqual(1)
    }
    // Each replica took its third of the burst and refused part of it: the count is shared.
    expect(new Set(refused.map((response) => response.name)).size).toBeGreaterThanOrEqual(2)
    figures.rateLimit = {
      sent: responses.length,
      allowed: allowed.length,
      rpm: RPM,
      burstMs: Math.round(elapsed),
    }
  })

  it('restart one replica after another, under load, losing no request', async () => {
    phase = 'rolling-restart'
    const timings: Record<string, number>[] = []
    for (const name of NAMES) {
      const began = performance.now()
      const stopped = replicas[name].stop('SIGTERM')
      await lb.waitFor(name, 'DOWN')
      const down = performance.now() - began
      expect(await stopped).toBe(0)
      const exited = performance.now() - began
      replicas[name] = await startReplica(name)
      const readyMs = replicas[name].readyMs
      await lb.waitFor(name, 'UP')
      timings.push({
        down: Math.round(down),
        exited: Math.round(exited),
        ready: Math.round(readyMs),
        up: Math.round(performance.now() - began),
      })
    }
    await sleep(500)
    const restart = inPhase('rolling-restart')
    expect(restart.length).toBeGreaterThan(50)
    expect(describeFailures(restart)).toEqual([])
    figures.rollingRestart = { ...summary(restart), perReplicaMs: timings }
  })

  it('roll a new model version out on every replica, serving no failed request', async () => {
    phase = 'rollout'
    const began = performance.now()
    await writeVersion(2, 2)
    const deadline = began + 20_000
    const pending = new Set<Name>(NAMES)
    while (pending.size > 0 && performance.now() < deadline) {
      for (const name of [...pending])
        if ((await versionServedBy(replicas[name].url)) === '2') pending.delete(name)
      if (pending.size > 0) await sleep(100)
    }
    expect([...pending]).toEqual([])
    const rolledOutMs = performance.now() - began
    await sleep(500)
    const rollout = inPhase('rollout')
    expect(describeFailures(rollout)).toEqual([])
    const versions = rollout.filter((outcome) => outcome.kind === 'infer').map((outcome) => outcome.version)
    expect(versions).toContain('1')
    expect(versions.at(-1)).toBe('2')
    figures.rollout = { ...summary(rollout), allServingV2Ms: Math.round(rolledOutMs) }
  })

  it('lose a replica to SIGKILL at the cost of at most the requests it held that cannot be replayed', async () => {
    phase = 'kill'
    await sleep(300)
    const victim: Name = 'r2'
    const gauge = await (
      await fetch(`${replicas[victim].url}/metrics`, { headers: { authorization: `Bearer ${LOAD_KEY}` } })
    ).text()
    // Less the scrape itself: what the victim says it holds, a moment before the kill.
    const heldByVictim = Number(/^modelport_requests_in_flight (\d+)/m.exec(gauge)?.[1]) - 1
    // Every request the victim can hold is one the client is waiting for at the kill, or one sent
    // before its process was gone (the kernel completes connections to a dying process's socket).
    const outstanding = {
      chat: load.outstanding('chat'),
      infer: load.outstanding('infer'),
      list: load.outstanding('list'),
    }
    const killAt = performance.now()
    expect(await replicas[victim].stop('SIGKILL')).toBe('SIGKILL')
    const goneAt = performance.now()
    await lb.waitFor(victim, 'DOWN')
    await sleep(1000)
    await load.stop()
    const kill = inPhase('kill')
    const failures = kill.filter(failed)
    // Inference and GETs are replayed on another replica; a chat completion is not (see haproxy.ts).
    expect(failures.filter((outcome) => outcome.kind !== 'chat')).toEqual([])
    for (const failure of failures) expect(failure.startedAt).toBeLessThan(goneAt)
    const sentWhileDying = kill.filter(
      (outcome) => outcome.kind === 'chat' && outcome.startedAt >= killAt && outcome.startedAt < goneAt,
    ).length
    expect(failures.length).toBeLessThanOrEqual(outstanding.chat + sentWhileDying)
    const after = kill.slice(-20)
    expect(after.filter(failed)).toEqual([])
    expect(after.some((outcome) => outcome.replica === victim)).toBe(false)
    figures.sigkill = {
      ...summary(kill),
      outstandingAtKill: outstanding,
      sentWhileDying,
      heldByVictim,
      failedChat: failures.length,
    }
  })
})
