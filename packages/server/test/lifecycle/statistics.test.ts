/**
 * The statistics extension's times on a real server over loopback, with real ONNX sessions: JSON and
 * binary requests add to every `compute_*` count and time, the times fit inside the requests' wall
 * time, `batch_stats` shows the batch sizes that actually ran when requests stack up, and a request
 * the runtime fails counts in `fail` only.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataType, writeModel } from '../../scripts/onnx-writer.js'
import { SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { binaryBody } from '../support/binary.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, tempRepository } from '../support/models.js'

interface Duration {
  count: number
  ns: number
}
interface Stat {
  inference_count: number
  execution_count: number
  inference_stats: Record<
    'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output',
    Duration
  >
  batch_stats: {
    batch_size: number
    compute_input: Duration
    compute_infer: Duration
    compute_output: Duration
  }[]
}

/** out = a + b over [n] and [m]: the runtime fails to broadcast when n and m differ. */
const addModel = () =>
  writeModel({
    graphName: 'add',
    inputs: [
      { name: 'a', elemType: DataType.FLOAT, shape: ['n'] },
      { name: 'b', elemType: DataType.FLOAT, shape: ['m'] },
    ],
    outputs: [{ name: 'sum', elemType: DataType.FLOAT, shape: ['n'] }],
    nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }],
  })

let repo: Repository
let server: RunningServer

beforeAll(async () => {
  repo = await tempRepository()
  const simplenet = new Uint8Array(await readFile(SIMPLENET_MODEL_PATH))
  await repo.add('simplenet/1/model.onnx', simplenet)
  // Requests wait up to 300 ms for others, so concurrent ones reliably share runs of up to 4 rows.
  await repo.add('stacked/1/model.onnx', simplenet)
  await repo.add(
    'stacked/model.json',
    JSON.stringify({ batching: { max_batch_size: 4, max_queue_delay_ms: 300 } }),
  )
  await repo.add('add/1/model.onnx', addModel())
  const quiet = { info() {}, warn() {}, error() {} }
  server = await startServer({
    port: 0,
    builtins: false,
    modelsDir: repo.dir,
    ocr: false,
    metrics: false,
    log: quiet,
  })
})
afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

const rows = (n: number) => Array.from({ length: n * 10 }, (_, i) => Math.sin(i))

async function inferJson(model: string, n: number) {
  const response = await fetch(`${server.url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [n, 10], data: rows(n) }] }),
  })
  await response.arrayBuffer()
  return response.status
}

async function inferBinary(model: string, n: number) {
  const data = new Uint8Array(Float32Array.from(rows(n)).buffer)
  const header = {
    inputs: [
      { name: 'x', datatype: 'FP32', shape: [n, 10], parameters: { binary_data_size: data.byteLength } },
    ],
    parameters: { binary_data_output: true },
  }
  const { body, headerLength } = binaryBody(header, [data])
  const response = await fetch(`${server.url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    },
    body,
  })
  await response.arrayBuffer()
  return response.status
}

async function stats(model: string): Promise<Stat> {
  const response = await fetch(`${server.url}/v2/models/${model}/versions/1/stats`)
  const body = await response.json()
  assertMatchesContract('GET', '/v2/models/{model}/versions/{version}/stats', response.status, body)
  return (body as { model_stats: Stat[] }).model_stats[0] as Stat
}

const computeNs = (s: Stat) =>
  s.inference_stats.compute_input.ns +
  s.inference_stats.compute_infer.ns +
  s.inference_stats.compute_output.ns

describe('statistics of JSON and binary requests', () => {
  it('counts every request in each compute time, within the wall time around them', async () => {
    const started = performance.now()
    for (const n of [1, 1, 3, 1, 1]) expect(await inferJson('simplenet', n)).toBe(200)
    const json = await stats('simplenet')
    for (const n of [1, 3, 1, 1, 1]) expect(await inferBinary('simplenet', n)).toBe(200)
    const wallNs = (performance.now() - started) * 1e6
    const all = await stats('simplenet')

    for (const [stat, requests] of [
      [json, 5],
      [all, 10],
    ] as const) {
      const { success, fail, queue, compute_input, compute_infer, compute_output } = stat.inference_stats
      expect([success, queue, compute_input, compute_infer, compute_output].map((d) => d.count)).toEqual(
        Array(5).fill(requests),
      )
      expect(fail).toEqual({ count: 0, ns: 0 })
      for (const d of [success, compute_input, compute_infer, compute_output]) expect(d.ns).toBeGreaterThan(0)
      expect(computeNs(stat)).toBeLessThanOrEqual(success.ns)
    }
    // The binary requests added their own decoding, execution and encoding.
    for (const key of ['compute_input', 'compute_infer', 'compute_output'] as const) {
      expect(all.inference_stats[key].ns).toBeGreaterThan(json.inference_stats[key].ns)
    }
    expect(all.inference_stats.success.ns).toBeLessThanOrEqual(wallNs)
    expect(computeNs(all)).toBeLessThanOrEqual(wallNs)

    expect(all).toMatchObject({ inference_count: 14, execution_count: 10 })
    // One request at a time: each ran alone, as a batch of its own rows.
    expect(all.batch_stats.map((b) => [b.batch_size, b.compute_infer.count])).toEqual([
      [1, 8],
      [3, 2],
    ])
    for (const batch of all.batch_stats) {
      expect(batch.compute_input.count).toBe(batch.compute_infer.count)
      expect(batch.compute_output.count).toBe(batch.compute_infer.count)
      for (const d of [batch.compute_input, batch.compute_infer, batch.compute_output]) {
        expect(d.ns).toBeGreaterThan(0)
      }
    }
  })
})

describe('statistics of stacked requests', () => {
  it('reports the batch sizes that ran, and counts a batch once per execution', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? inferJson('stacked', 1) : inferBinary('stacked', 1),
      ),
    )
    expect(statuses).toEqual(Array(6).fill(200))
    const stat = await stats('stacked')
    const batches = stat.batch_stats
    expect(batches.some((b) => b.batch_size > 1)).toBe(true)
    expect(batches.map((b) => b.batch_size)).toEqual(
      [...batches.map((b) => b.batch_size)].sort((a, b) => a - b),
    )
    expect(batches.reduce((n, b) => n + b.batch_size * b.compute_infer.count, 0)).toBe(6)
    expect(batches.reduce((n, b) => n + b.compute_infer.count, 0)).toBe(stat.execution_count)
    expect(stat.execution_count).toBeLessThan(6)

    const { success, queue, compute_input, compute_infer, compute_output } = stat.inference_stats
    expect([success, queue, compute_input, compute_infer, compute_output].map((d) => d.count)).toEqual(
      Array(5).fill(6),
    )
    // Each request of one row counts its whole batch's execution, as Triton does.
    expect(compute_infer.ns).toBe(batches.reduce((n, b) => n + b.batch_size * b.compute_infer.ns, 0))
    // Its input and output times add the HTTP side's decoding and encoding to the batch's.
    expect(compute_input.ns).toBeGreaterThan(
      batches.reduce((n, b) => n + b.batch_size * b.compute_input.ns, 0),
    )
    expect(compute_output.ns).toBeGreaterThan(
      batches.reduce((n, b) => n + b.batch_size * b.compute_output.ns, 0),
    )
    // The first requests waited in the batcher's queue for the others.
    expect(queue.ns).toBeGreaterThan(0)
  })
})

describe('statistics of failed requests', () => {
  const add = (a: number[], b: number[]) =>
    fetch(`${server.url}/v2/models/add/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          { name: 'a', datatype: 'FP32', shape: [a.length], data: a },
          { name: 'b', datatype: 'FP32', shape: [b.length], data: b },
        ],
      }),
    }).then(async (response) => {
      await response.arrayBuffer()
      return response.status
    })

  it('counts a request the runtime fails in fail, not in success or batch_stats', async () => {
    // ONNX Runtime fails the run (it logs why); the server answers an error without the details.
    expect(await add([1, 2, 3], [1, 2])).toBeGreaterThanOrEqual(400)
    const failed = await stats('add')
    expect(failed.inference_stats.fail.count).toBe(1)
    expect(failed.inference_stats.fail.ns).toBeGreaterThan(0)
    for (const key of ['success', 'queue', 'compute_input', 'compute_infer', 'compute_output'] as const) {
      expect(failed.inference_stats[key]).toEqual({ count: 0, ns: 0 })
    }
    expect(failed).toMatchObject({ inference_count: 0, execution_count: 0, batch_stats: [] })

    expect(await add([1, 2], [3, 4])).toBe(200)
    const after = await stats('add')
    expect(after.inference_stats.fail).toEqual(failed.inference_stats.fail)
    expect(after).toMatchObject({ inference_count: 2, execution_count: 1 })
    expect(after.inference_stats.success.count).toBe(1)
    expect(after.batch_stats.map((b) => [b.batch_size, b.compute_infer.count])).toEqual([[2, 1]])
  })
})
