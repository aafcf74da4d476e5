/**
 * (g) what each gateway feature costs: the (c) setup (a two-target fallback route, an API key, metrics
 * and the access log on) served once with everything on and once with each feature off in turn, all
 * side by side with the bare proxy at concurrency 32; a feature's cost is the difference in µs per
 * request (the server process's CPU time per request, read around each run). Then streamed chat at concurrency
 * 1: time to the first body byte, and time per chunk after it, direct, through the bare proxy and
 * through modelport.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startChild } from '../lib/processes.ts'
import { type Measured, median } from '../lib/stats.ts'
import { alternate, loadJob, type Suite } from '../lib/suite.ts'
import { chatRequest, gatewayConfig } from './gateway.ts'

/** Each row: the features off (besides the API key, which `auth` drops), or `rate limits` added. */
const features = [
  'auth',
  'metrics',
  'access-log',
  'request-id',
  'routing-headers',
  'deadline',
  'circuit-breaker',
  'fallback',
  'validation',
  'reserialization',
  'middleware',
] as const
export type AblationRow = (typeof features)[number] | 'rate-limits' | 'everything'

export interface StreamFigures {
  /** Median milliseconds to the first body byte (answers of `FEW_CHUNKS` chunks). */
  ttfb: number
  /** The proxy's CPU µs per chunk (none for the upstream called directly). */
  perChunk: number
}

export interface AblationResults {
  bare: Measured
  allOn: Measured
  rows: Record<AblationRow, Measured>
  stream: Record<'direct' | 'bare' | 'modelport', StreamFigures>
  chunks: number
}

const clientKey = 'bench-client-key'
/** Chunks per streamed answer: the upstream sends one per `max_tokens`; the difference gives a chunk's cost. */
const FEW_CHUNKS = 10
const MANY_CHUNKS = 100
const streamRequest = (chunks: number) =>
  chatRequest.replace('"max_tokens":64', `"max_tokens":${chunks}`).replace(/}$/, ',"stream":true}')

/** One streamed request: ms to the first body byte and to the end. */
function streamOnce(agent: Agent, url: URL, headers: Record<string, string>, body: string) {
  return new Promise<{ ttfb: number; total: number }>((resolve, reject) => {
    const started = performance.now()
    let first = 0
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`))
        res.on('data', () => {
          if (first === 0) first = performance.now()
        })
        res.on('end', () => resolve({ ttfb: first - started, total: performance.now() - started }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function measureStreams(
  paths: Record<'direct' | 'bare' | 'modelport', { url: string; headers: Record<string, string> }>,
  cpu: Record<'direct' | 'bare' | 'modelport', (() => Promise<number>) | undefined>,
  requests: number,
): Promise<Record<'direct' | 'bare' | 'modelport', StreamFigures>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const names = Object.keys(paths) as (keyof typeof paths)[]
  const ttfb = Object.fromEntries(names.map((p) => [p, [] as number[]]))
  const cpuPerRequest = Object.fromEntries(
    names.map((p) => [p, { few: [] as number[], many: [] as number[] }]),
  )
  // Batches of 50 requests, alternating paths and sizes; the first round of batches warms up.
  const batch = 50
  for (let round = 0; round <= requests / batch; round++) {
    for (const name of names) {
      for (const size of ['few', 'many'] as const) {
        const { url, headers } = paths[name]
        const body = streamRequest(size === 'few' ? FEW_CHUNKS : MANY_CHUNKS)
        const before = await cpu[name]?.()
        for (let i = 0; i < batch; i++) {
          const times = await streamOnce(agent, new URL(url), headers, body)
          if (round > 0 && size === 'few') ttfb[name]?.push(times.ttfb)
        }
        const after = await cpu[name]?.()
        if (round > 0 && before !== undefined && after !== undefined)
          cpuPerRequest[name]?.[size].push((after - before) / batch)
      }
    }
  }
  agent.destroy()
  return Object.fromEntries(
    names.map((name) => {
      const c = cpuPerRequest[name] as { few: number[]; many: number[] }
      const perChunk = c.few.length
        ? (Math.min(...c.many) - Math.min(...c.few)) / (MANY_CHUNKS - FEW_CHUNKS)
        : Number.NaN
      return [name, { ttfb: median(ttfb[name] as number[]), perChunk }]
    }),
  ) as Record<keyof typeof paths, StreamFigures>
}

export async function gatewayAblation(suite: Suite): Promise<AblationResults> {
  const upstream = startChild('servers/upstream.ts', { role: 'server' })
  const upstreamUrl = `http://127.0.0.1:${(await upstream.ready).ready}`
  const dir = await mkdtemp(join(tmpdir(), 'modelport-bench-ablation-'))
  const config = join(dir, 'modelport.json')
  const limitedConfig = join(dir, 'modelport-rate-limited.json')
  await writeFile(config, JSON.stringify(gatewayConfig(upstreamUrl)))
  // A limit no run reaches: the cost of counting, not of refusing.
  await writeFile(limitedConfig, JSON.stringify({ ...gatewayConfig(upstreamUrl), auth: { rpm: 1e9 } }))
  const keyed = { config, apiKeys: [clientKey] }
  const variants: Record<string, { off: string[]; config: string; apiKeys?: string[] }> = {
    'all on': { off: [], ...keyed },
    'rate-limits': { off: [], config: limitedConfig, apiKeys: [clientKey] },
    everything: { off: features.filter((f) => f !== 'auth'), config },
  }
  for (const feature of features)
    variants[feature] = feature === 'auth' ? { off: [], config } : { off: [feature], ...keyed }
  const modelport = startChild('servers/modelport-ablation.ts', {
    role: 'server',
    args: [JSON.stringify(variants)],
  })
  const bare = startChild('servers/bare-proxy.ts', { role: 'server', args: [upstreamUrl] })
  try {
    const ports = (await modelport.ready).ready as Record<string, number>
    const target = (name: string) => ({
      url: `http://127.0.0.1:${ports[name]}/v1/chat/completions`,
      headers: variants[name]?.apiKeys
        ? { authorization: `Bearer ${clientKey}` }
        : ({} as Record<string, string>),
    })
    const bareUrl = `http://127.0.0.1:${(await bare.ready).ready}/v1/chat/completions`
    const paths = {
      bare: { url: bareUrl, headers: {} as Record<string, string> },
      ...Object.fromEntries(Object.keys(variants).map((name) => [name, target(name)])),
    }
    for (const [name, { url, headers }] of Object.entries(paths)) {
      for (const body of [chatRequest, streamRequest(FEW_CHUNKS)]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        })
        const text = await response.text()
        if (response.status !== 200 || !text.includes('chat.completion'))
          throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`)
      }
    }
    suite.log('(g) gateway ablation')
    const body = Buffer.from(chatRequest).toString('base64')
    // CPU time per request, read from the server process around each measured run: on a shared machine
    // it moves far less than throughput does when other work takes the core.
    const cpuOf = (child: typeof bare) => async () => (await child.request<number>({ cpu: true })) as number
    const cpu = { bare: cpuOf(bare), modelport: cpuOf(modelport) }
    // Other work on the core only ever adds CPU time (cache misses, a slower clock): each variant's
    // figure is its least across rounds.
    const cpuRuns: Record<string, number[]> = {}
    // The first runs in a fresh process pay for compiling the code: warm both servers before timing.
    for (const { url, headers } of [paths.bare, target('all on')])
      await loadJob(
        { ...suite, seconds: 2, warmupSeconds: 0 },
        {
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          connections: 32,
        },
      )
    const measured = await alternate(
      suite,
      'chat c=32',
      Object.fromEntries(
        Object.entries(paths).map(([name, { url, headers }]) => {
          const job = {
            url,
            method: 'POST' as const,
            headers: { 'content-type': 'application/json', ...headers },
          }
          const readCpu = name === 'bare' ? cpu.bare : cpu.modelport
          return [
            name,
            async () => {
              await loadJob(
                { ...suite, seconds: suite.warmupSeconds, warmupSeconds: 0 },
                { ...job, body, connections: 32 },
              )
              const before = await readCpu()
              const m = await loadJob({ ...suite, warmupSeconds: 0 }, { ...job, body, connections: 32 })
              const spent = (await readCpu()) - before
              // A run with no answer (every request failed) has no latencies; IPC turns their NaN to null.
              if (m.requests === 0) {
                suite.log(`  ${name}: no successful answer in the run (${m.errors} errors)`)
                return { ...m, p50: Number.NaN, p99: Number.NaN }
              }
              const cpuUs = spent / m.requests
              cpuRuns[name] = [...(cpuRuns[name] ?? []), cpuUs]
              suite.log(`  ${name}: ${cpuUs.toFixed(1)} µs CPU per request`)
              return m
            },
          ]
        }),
      ),
    )
    suite.log('(g) streams')
    const stream = await measureStreams(
      {
        direct: { url: `${upstreamUrl}/v1/chat/completions`, headers: {} },
        bare: paths.bare,
        modelport: target('all on'),
      },
      { direct: undefined, bare: cpu.bare, modelport: cpu.modelport },
      300,
    )
    for (const [name, measuredRun] of Object.entries(measured))
      (measuredRun as Measured).extra = { cpuUs: Math.min(...(cpuRuns[name] ?? [Number.NaN])) }
    const { bare: bareMeasured, 'all on': allOn, ...rows } = measured
    return {
      bare: bareMeasured as Measured,
      allOn: allOn as Measured,
      rows: rows as Record<AblationRow, Measured>,
      stream,
      chunks: FEW_CHUNKS,
    }
  } finally {
    await Promise.all([upstream.stop(), modelport.stop(), bare.stop()])
    await rm(dir, { recursive: true, force: true })
  }
}
