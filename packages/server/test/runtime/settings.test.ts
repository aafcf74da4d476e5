import { join } from 'node:path'
/**
 * Runtime settings from `model.json`: what is accepted, what is refused and why, the defaults a model
 * gets from its signature, and a full queue answered over HTTP with 429 and `Retry-After`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import type { ManagedModel } from '../../src/lifecycle/managed-model.js'
import { ModelRegistry } from '../../src/models/registry.js'
import { scanRepository } from '../../src/models/repository.js'
import { type Batcher, withBatching } from '../../src/runtime/batcher.js'
import { choosePlacement, onnxLoader } from '../../src/runtime/onnx/session.js'
import {
  DEFAULT_BATCHING,
  parseRuntimeSettings,
  type RuntimeSettings,
  resolveBatching,
} from '../../src/runtime/settings.js'
import type { TensorMetadata } from '../../src/runtime/types.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'
import { fakeModel } from './fake-model.js'

const accepted: [string, { given: Record<string, unknown>; want: RuntimeSettings }][] = [
  ['nothing', { given: { task: 'raw' }, want: {} }],
  ['batching off', { given: { batching: false }, want: { batching: false } }],
  [
    'every batching field',
    {
      given: {
        batching: { max_batch_size: 8, max_queue_delay_ms: 0.5, max_queue_size: 16, pad: { ids: 0 } },
      },
      want: { batching: { maxBatchSize: 8, maxQueueDelayMs: 0.5, maxQueueSize: 16, pad: { ids: 0 } } },
    },
  ],
  ['threads as a number', { given: { threads: 2 }, want: { intraOpThreads: 2 } }],
  [
    'threads by pool, spinning and optimization',
    {
      given: { threads: { intra_op: 2, inter_op: 1 }, spinning: true, optimization: 'basic' },
      want: { intraOpThreads: 2, interOpThreads: 1, spinning: true, optimization: 'basic' },
    },
  ],
  [
    'placement in workers',
    { given: { runtime: { placement: 'worker', workers: 3 } }, want: { placement: 'worker', workers: 3 } },
  ],
  ['placement inline', { given: { runtime: { placement: 'inline' } }, want: { placement: 'inline' } }],
  ['workers alone', { given: { runtime: { workers: 2 } }, want: { workers: 2 } }],
]

const refused: [string, { given: Record<string, unknown>; says: RegExp }][] = [
  [
    'a zero batch size',
    { given: { batching: { max_batch_size: 0 } }, says: /max_batch_size must be an integer/ },
  ],
  ['a negative delay', { given: { batching: { max_queue_delay_ms: -1 } }, says: /max_queue_delay_ms/ }],
  ['an unknown batching field', { given: { batching: { max_batch: 4 } }, says: /unknown fields max_batch/ }],
  ['a pad value that is not a number', { given: { batching: { pad: { ids: 'x' } } }, says: /pad.ids/ }],
  ['fractional threads', { given: { threads: 1.5 }, says: /threads must be an integer/ }],
  [
    'an unknown placement',
    { given: { runtime: { placement: 'gpu' } }, says: /placement must be "auto", "worker" or "inline"/ },
  ],
  [
    'zero workers',
    { given: { runtime: { workers: 0 } }, says: /runtime.workers must be an integer of at least 1/ },
  ],
  ['too many workers', { given: { runtime: { workers: 65 } }, says: /runtime.workers must be at most 64/ }],
  [
    'workers for an inline model',
    {
      given: { runtime: { placement: 'inline', workers: 2 } },
      says: /needs runtime.placement "auto" or "worker"/,
    },
  ],
  [
    'an unknown runtime field',
    { given: { runtime: { threads: 2 } }, says: /runtime has unknown fields threads/ },
  ],
  ['spinning as a string', { given: { spinning: 'no' }, says: /spinning must be true or false/ }],
  ['an unknown optimization level', { given: { optimization: 'max' }, says: /optimization must be one of/ }],
]

describe('model.json runtime settings', () => {
  it.each(accepted)('accepts %s', (_name, { given, want }) => {
    expect(parseRuntimeSettings(given)).toEqual(want)
  })

  it.each(refused)('refuses %s', (_name, { given, says }) => {
    expect(() => parseRuntimeSettings(given)).toThrow(says)
  })

  const meta = (shape: number[]): TensorMetadata[] => [{ name: 't', datatype: 'FP32', shape }]
  const defaults: [string, { inputs: number[]; outputs: number[]; batched: boolean }][] = [
    ['dynamic first dimensions', { inputs: [-1, 10], outputs: [-1, 10], batched: true }],
    ['a fixed input batch', { inputs: [1, 10], outputs: [-1, 10], batched: false }],
    ['a fixed output batch', { inputs: [-1, 10], outputs: [2, -1], batched: false }],
    ['a scalar input', { inputs: [], outputs: [-1], batched: false }],
  ]
  it.each(defaults)('batches by default only with %s', (_name, { inputs, outputs, batched }) => {
    const resolved = resolveBatching(undefined, meta(inputs), meta(outputs))
    expect(resolved.maxBatchSize > 1).toBe(batched)
  })

  it('lets model.json override the defaults field by field', () => {
    const resolved = resolveBatching({ batching: { maxQueueSize: 3 } }, meta([-1]), meta([-1]))
    expect(resolved).toEqual({ ...DEFAULT_BATCHING, maxQueueSize: 3 })
  })
})

describe('settings from the repository reach the loaded model', () => {
  let repo: Repository
  let registry: ModelRegistry
  beforeAll(async () => {
    repo = await tempRepository()
    await repo.add('plain/1/model.onnx', scaleModel(1))
    await repo.add('tuned/1/model.onnx', scaleModel(2))
    await repo.add(
      'tuned/model.json',
      JSON.stringify({
        task: 'raw',
        batching: { max_batch_size: 2, max_queue_size: 5 },
        threads: 1,
        optimization: 'basic',
      }),
    )
    await repo.add('pooled/1/model.onnx', scaleModel(5))
    await repo.add('pooled/model.json', JSON.stringify({ runtime: { placement: 'worker', workers: 2 } }))
    await repo.add('off/1/model.onnx', scaleModel(3))
    await repo.add('off/model.json', JSON.stringify({ batching: false }))
    await repo.add('broken/1/model.onnx', scaleModel(4))
    await repo.add('broken/model.json', JSON.stringify({ batching: { max_batch_size: 0 } }))
    const scan = await scanRepository(repo.dir)
    expect(scan.skipped).toEqual([
      {
        path: expect.stringMatching(/broken/),
        reason: expect.stringMatching(/max_batch_size must be an integer/),
      },
    ])
    registry = new ModelRegistry({ loader: onnxLoader() })
    registry.add(scan.models)
    await registry.loadAll()
  })
  afterAll(async () => {
    await registry.close()
    await repo.remove()
  })

  it.each([
    ['plain', DEFAULT_BATCHING.maxBatchSize, DEFAULT_BATCHING.maxQueueSize],
    ['tuned', 2, 5],
    ['off', 1, DEFAULT_BATCHING.maxQueueSize],
  ])('%s gets max_batch_size %i and max_queue_size %i', (name, batch, queue) => {
    const model = (registry.ready(name).model as ManagedModel).loaded as Batcher
    expect(model.settings.maxBatchSize).toBe(batch)
    expect(model.settings.maxQueueSize).toBe(queue)
  })

  it('places a small model inline by default, and in workers where model.json says', async () => {
    const plain = (registry.ready('plain').model as ManagedModel).loaded as Batcher
    const pooled = (registry.ready('pooled').model as ManagedModel).loaded as Batcher
    expect([plain.placement, plain.parallelism]).toEqual(['inline', 1])
    expect([pooled.placement, pooled.parallelism]).toEqual(['worker', 2])
    const x = { datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) }
    const out = await registry.ready('pooled').model.run({ x }, ['y'])
    expect(Array.from(out.y?.data as Float32Array)).toEqual([5, 10, 15, 20])
  })
})

describe('where a model runs by default', () => {
  it.each([
    ['a file under 256 KiB', 2_000, 'inline'],
    ['a larger file', 300_000, 'auto'],
  ])('runs %s %s', async (_name, bytes, want) => {
    const repo = await tempRepository()
    try {
      await repo.add('m/1/model.onnx', new Uint8Array(bytes))
      const file = join(repo.dir, 'm', '1', 'model.onnx')
      expect(await choosePlacement(file, {})).toBe(want)
      expect(await choosePlacement(file, { placement: 'inline' })).toBe('inline')
      expect(await choosePlacement(file, { workers: 2 })).toBe('auto')
      expect(await choosePlacement(file, { placement: 'worker' })).toBe('worker')
    } finally {
      await repo.remove()
    }
  })
})

describe('a full queue over HTTP', () => {
  it('answers 429 with Retry-After in the protocol error shape', async () => {
    const model = fakeModel()
    let open = () => {}
    model.gate = new Promise((done) => {
      open = done
    })
    const registry = new ModelRegistry({
      loader: async () => withBatching(model, { ...DEFAULT_BATCHING, maxBatchSize: 1, maxQueueSize: 1 }),
    })
    registry.add([{ name: 'slow', task: 'raw', origin: 'repository', versions: new Map([['1', 'unused']]) }])
    await registry.loadAll()
    const app = createApp({ registry, log: { error() {} } })
    const infer = () =>
      app.request('http://localhost/v2/models/slow/infer', {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] }),
      })
    const first = infer()
    const second = infer()
    // Let both reach the batcher: one runs (held by the gate), one waits.
    await new Promise((done) => setTimeout(done, 20))
    const third = await infer()
    expect(third.status).toBe(429)
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const body = await third.json()
    assertMatchesContract('POST', '/v2/models/{model}/infer', 429, body)
    expect((body as { error: string }).error).toMatch(/requests waiting/)
    open()
    expect((await first).status).toBe(200)
    expect((await second).status).toBe(200)
  })
})
