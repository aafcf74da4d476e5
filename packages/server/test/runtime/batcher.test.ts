/**
 * The dynamic batcher: stacked runs give each request exactly what running it alone gives, a full queue
 * refuses with 429, different shapes never share a run, and one bad request fails only itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { ModelportError } from '../../src/core/errors.js'
import { withBatching } from '../../src/runtime/batcher.js'
import { loadOnnxModel } from '../../src/runtime/onnx/session.js'
import { DEFAULT_BATCHING } from '../../src/runtime/settings.js'
import type { Execution, HostTensor, LoadedModel, RunTimes } from '../../src/runtime/types.js'
import { fakeModel, fp32 } from './fake-model.js'

const settings = (overrides: Partial<typeof DEFAULT_BATCHING> = {}) => ({ ...DEFAULT_BATCHING, ...overrides })

describe('batching simplenet (real ONNX Runtime)', () => {
  let raw: LoadedModel
  beforeAll(async () => {
    raw = await loadOnnxModel(SIMPLENET_MODEL_PATH)
  })
  afterAll(() => raw.dispose())

  it('splits stacked results back exactly: equal to running each request alone', async () => {
    const batched = withBatching(raw, settings({ maxBatchSize: 16 }))
    const requests = Array.from({ length: 60 }, (_, r) =>
      fp32([1 + (r % 3), 10], (i) => Math.sin(r * 31 + i)),
    )
    const alone = []
    for (const inputs of requests) alone.push(await raw.run(inputs, ['y']))
    const together = await Promise.all(requests.map((inputs) => batched.run(inputs, ['y'])))
    for (const [r, result] of together.entries()) {
      const want = alone[r]?.y as HostTensor
      expect(result.y?.shape).toEqual(want.shape)
      expect(Array.from(result.y?.data as Float32Array)).toEqual(Array.from(want.data as Float32Array))
    }
    expect(batched.stats.requests).toBe(60)
    expect(batched.stats.runs).toBeLessThan(60)
    expect(batched.stats.runs).toBeGreaterThanOrEqual(Math.ceil(120 / 16))
  })
})

describe('batcher', () => {
  it('drops a waiting request whose client left; its rows never run', async () => {
    const model = fakeModel()
    let open: () => void = () => {}
    model.gate = new Promise((done) => {
      open = done
    })
    const batcher = withBatching(model, settings({ maxBatchSize: 1 }))
    const first = batcher.run(
      fp32([1, 2], () => 1),
      ['y'],
    )
    const left = new AbortController()
    const abandoned = batcher.run(
      fp32([1, 2], () => 2),
      ['y'],
      { signal: left.signal },
    )
    const third = batcher.run(
      fp32([1, 2], () => 3),
      ['y'],
    )
    await new Promise((done) => setTimeout(done, 10))
    left.abort(new Error('the client closed the connection'))
    await expect(abandoned).rejects.toThrow('the client closed the connection')
    expect(batcher.queued).toBe(1)
    open()
    await Promise.all([first, third])
    expect(model.runs).toHaveLength(2)
    expect(batcher.stats).toMatchObject({ requests: 2, abandoned: 1 })
    // Already gone before it asked: refused at once.
    await expect(
      batcher.run(
        fp32([1, 2], () => 4),
        ['y'],
        { signal: left.signal },
      ),
    ).rejects.toThrow()
  })

  it('shares waiting requests among idle workers instead of stacking them into one run', async () => {
    const model = Object.assign(fakeModel(), { parallelism: 2 })
    const batcher = withBatching(model, settings({ maxBatchSize: 8 }))
    // Four requests arrive together while both workers are idle: two runs of two rows, side by side.
    await Promise.all(
      Array.from({ length: 4 }, (_, r) =>
        batcher.run(
          fp32([1, 2], () => r),
          ['y'],
        ),
      ),
    )
    expect(model.runs.map((shape) => shape[0])).toEqual([2, 2])
  })

  it('runs as many batches at once as the model can execute (one per worker)', async () => {
    for (const parallelism of [1, 2, 3]) {
      const model = Object.assign(fakeModel(), { parallelism })
      let open: () => void = () => {}
      model.gate = new Promise((done) => {
        open = done
      })
      // Unbatched, so every request is a run of its own.
      const batcher = withBatching(model, settings({ maxBatchSize: 1 }))
      const pending = Array.from({ length: 5 }, (_, r) =>
        batcher.run(
          fp32([1, 2], () => r),
          ['y'],
        ),
      )
      await new Promise((done) => setTimeout(done, 20))
      expect(model.runs).toHaveLength(parallelism)
      expect(batcher.queued).toBe(5 - parallelism)
      open()
      const results = await Promise.all(pending)
      expect(results.map((r) => (r.y as HostTensor).data[0])).toEqual([0, 2, 4, 6, 8])
      expect(model.runs).toHaveLength(5)
    }
  })

  it('stacks requests that arrive during a run into the next one, up to max_batch_size rows', async () => {
    const model = fakeModel()
    const batcher = withBatching(model, settings({ maxBatchSize: 4 }))
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, r) =>
        batcher.run(
          fp32([1, 2], () => r),
          ['y'],
        ),
      ),
    )
    expect(model.runs.map((shape) => shape[0])).toEqual([4, 4, 1])
    // Each request's time from joining the queue to its result is kept for percentiles.
    expect(batcher.recentLatencies()).toHaveLength(9)
    // And each run's rows and duration, for run-time percentiles.
    expect(batcher.recentRuns().map((run) => run.rows)).toEqual([4, 4, 1])
    expect(batcher.recentRuns().every((run) => run.ms >= 0)).toBe(true)
    expect(batcher.stats).toMatchObject({ runs: 3, requests: 9 })
    batcher.resetStats()
    expect(batcher.recentLatencies()).toEqual([])
    expect(batcher.recentRuns()).toEqual([])
    for (const [r, result] of results.entries())
      expect(Array.from(result.y?.data as Float32Array)).toEqual([2 * r, 2 * r])
  })

  it('never stacks requests whose other dimensions differ', async () => {
    const model = fakeModel()
    const batcher = withBatching(model, settings())
    const shapes = [
      [1, 4],
      [2, 5],
      [1, 4],
      [1, 5],
      [3, 4],
    ]
    const results = await Promise.all(
      shapes.map((s, r) =>
        batcher.run(
          fp32(s, (i) => r * 100 + i),
          ['y'],
        ),
      ),
    )
    for (const shape of model.runs) expect([4, 5]).toContain(shape[1])
    expect(model.runs.map((s) => s.join('x')).sort()).toEqual(['3x5', '5x4'])
    for (const [r, result] of results.entries()) {
      const shape = shapes[r] as number[]
      expect(result.y?.shape).toEqual(shape)
      const n = (shape[0] as number) * (shape[1] as number)
      expect(Array.from(result.y?.data as Float32Array)).toEqual(
        Array.from({ length: n }, (_, i) => 2 * (r * 100 + i)),
      )
    }
  })

  it('refuses with 429 and Retry-After once max_queue_size requests wait', async () => {
    const model = fakeModel()
    let open = () => {}
    model.gate = new Promise((done) => {
      open = done
    })
    const batcher = withBatching(model, settings({ maxBatchSize: 1, maxQueueSize: 2 }))
    const running = batcher.run(
      fp32([1, 1], () => 1),
      ['y'],
    )
    const waiting = [
      batcher.run(
        fp32([1, 1], () => 2),
        ['y'],
      ),
      batcher.run(
        fp32([1, 1], () => 3),
        ['y'],
      ),
    ]
    const refused = await batcher
      .run(
        fp32([1, 1], () => 4),
        ['y'],
      )
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ModelportError)
    expect(refused).toMatchObject({ status: 429, code: 'queue_full' })
    expect((refused as ModelportError).retryAfter).toBeGreaterThanOrEqual(1)
    expect(batcher.stats.refused).toBe(1)
    open()
    model.gate = undefined
    await Promise.all([running, ...waiting])
    // Room again once the queue drains.
    await expect(
      batcher.run(
        fp32([1, 1], () => 5),
        ['y'],
      ),
    ).resolves.toBeDefined()
  })

  it('fails only the request that breaks the model, not the others in its batch', async () => {
    const model = fakeModel({ fail: (x) => x.some(Number.isNaN) })
    const batcher = withBatching(model, settings())
    const values = [1, 2, Number.NaN, 4]
    const settled = await Promise.allSettled(
      values.map((v) =>
        batcher.run(
          fp32([1, 3], () => v),
          ['y'],
        ),
      ),
    )
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect(
      Array.from(
        (settled[3] as PromiseFulfilledResult<Record<string, HostTensor>>).value.y?.data as Float32Array,
      ),
    ).toEqual([8, 8, 8])
  })

  it('runs requests alone when a model does not return one row per stacked row', async () => {
    const model = fakeModel({ rows: () => 1 })
    const batcher = withBatching(model, settings())
    const results = await Promise.all(
      [1, 2, 3].map((v) =>
        batcher.run(
          fp32([1, 2], () => v),
          ['y'],
        ),
      ),
    )
    expect(results.map((r) => Array.from(r.y?.data as Float32Array))).toEqual([
      [2, 2],
      [4, 4],
      [6, 6],
    ])
    // Stacked once, then each rerun alone; no stacking after that.
    expect(model.runs.map((s) => s[0])).toEqual([3, 1, 1, 1])
    await batcher.run(
      fp32([1, 2], () => 1),
      ['y'],
    )
    expect(model.runs.at(-1)).toEqual([1, 2])
  })

  it('pads dimension 1 where configured and cuts each result back to its own length', async () => {
    const model = fakeModel()
    const batcher = withBatching(model, settings({ pad: { x: -1 } }))
    const lengths = [3, 1, 5, 2]
    const results = await Promise.all(
      lengths.map((t, r) =>
        batcher.run(
          fp32([1, t], (i) => r * 10 + i),
          ['y'],
        ),
      ),
    )
    expect(model.runs).toEqual([[4, 5]])
    for (const [r, result] of results.entries()) {
      const t = lengths[r] as number
      expect(result.y?.shape).toEqual([1, t])
      expect(Array.from(result.y?.data as Float32Array)).toEqual(
        Array.from({ length: t }, (_, i) => 2 * (r * 10 + i)),
      )
    }
  })

  it('waits up to max_queue_delay_ms for a batch to fill while the model is idle', async () => {
    const model = fakeModel()
    const batcher = withBatching(model, settings({ maxQueueDelayMs: 30, maxBatchSize: 3 }))
    const first = batcher.run(
      fp32([1, 1], () => 1),
      ['y'],
    )
    await new Promise((done) => setTimeout(done, 5))
    const second = batcher.run(
      fp32([1, 1], () => 2),
      ['y'],
    )
    await Promise.all([first, second])
    expect(model.runs).toEqual([[2, 1]])
    // A full batch goes at once, without waiting for the delay.
    const started = performance.now()
    await Promise.all(
      [1, 2, 3].map((v) =>
        batcher.run(
          fp32([1, 1], () => v),
          ['y'],
        ),
      ),
    )
    expect(performance.now() - started).toBeLessThan(25)
    expect(model.runs.at(-1)).toEqual([3, 1])
  })

  it('rejects what waits when the model is unloaded', async () => {
    const model = fakeModel()
    let open = () => {}
    model.gate = new Promise((done) => {
      open = done
    })
    const batcher = withBatching(model, settings({ maxBatchSize: 1 }))
    const running = batcher.run(
      fp32([1, 1], () => 1),
      ['y'],
    )
    const waiting = batcher
      .run(
        fp32([1, 1], () => 2),
        ['y'],
      )
      .catch((error: unknown) => error)
    await batcher.dispose()
    expect(await waiting).toMatchObject({ status: 503, code: 'model_unloaded' })
    expect(model.disposed).toBe(true)
    open()
    await running
  })
})

describe('reporting executions (the statistics extension)', () => {
  const observed = () => {
    const seen: Execution[] = []
    return { seen, observer: { executed: (execution: Readonly<Execution>) => seen.push({ ...execution }) } }
  }

  it('reports each successful run once: rows, requests, their queue wait and the time split', async () => {
    const model = fakeModel({ fail: (x) => x.some(Number.isNaN) })
    const batcher = withBatching(model, settings({ maxBatchSize: 4 }))
    const { seen, observer } = observed()
    batcher.observe(observer)
    const values = [1, 2, 3, 4, 5, Number.NaN]
    const settled = await Promise.allSettled(
      values.map((v) =>
        batcher.run(
          fp32([1, 2], () => v),
          ['y'],
        ),
      ),
    )
    expect(settled.map((s) => s.status)).toEqual([...Array(5).fill('fulfilled'), 'rejected'])
    // A stacked run of 4; then 5 and NaN stacked, failed, and rerun alone: only 5's run succeeded.
    expect(model.runs.map((shape) => shape[0])).toEqual([4, 2, 1, 1])
    expect(seen.map((e) => [e.rows, e.requests])).toEqual([
      [4, 4],
      [1, 1],
    ])
    for (const e of seen) {
      // A model that does not split its own time: all of its run counts as executing.
      expect(e.inferMs).toBeGreaterThan(0)
      expect(e.inputMs).toBeGreaterThanOrEqual(0)
      expect(e.outputMs).toBeGreaterThanOrEqual(0)
      expect(e.queueMs).toBeGreaterThanOrEqual(0)
    }
    // Failed runs are no executions (Triton's execution_count).
    expect(batcher.stats.runs).toBe(2)
    // The request rerun alone waited through the first run and the failed one.
    expect((seen[1] as Execution).queueMs).toBeGreaterThan((seen[0] as Execution).inferMs)
  })

  it("takes ONNX Runtime's own split: building its tensors, executing, converting the results", async () => {
    const raw = await loadOnnxModel(SIMPLENET_MODEL_PATH)
    try {
      const batcher = withBatching(raw, settings())
      const { seen, observer } = observed()
      batcher.observe(observer)
      await batcher.run(
        fp32([2, 10], (i) => i),
        ['y'],
      )
      const times = seen[0] as RunTimes
      expect(seen).toEqual([{ rows: 2, requests: 1, queueMs: expect.any(Number), ...times }])
      expect(times.inputMs).toBeGreaterThan(0)
      expect(times.inferMs).toBeGreaterThan(0)
      expect(times.outputMs).toBeGreaterThan(0)
    } finally {
      await raw.dispose()
    }
  })
})
