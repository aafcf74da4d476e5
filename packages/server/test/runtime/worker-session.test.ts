/** Models in worker threads: the same answers as inline, errors intact, the event loop free, crashes contained. */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataType, writeModel } from '../../scripts/onnx-writer.js'
import { SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { ModelportError } from '../../src/core/errors.js'
import { loadOnnxModel, loadWorkerModel } from '../../src/runtime/onnx/session.js'
import type { HostTensor, LoadedModel } from '../../src/runtime/types.js'
import { writeSlowMlp } from './support/slow-model.js'

/** An MLP whose run over 256 rows takes a good part of a second on one core. */
const SLOW = { input: 1024, hidden: 4096, output: 16 }
const SLOW_ROWS = 4096

let dir: string
let slowFile: string
/** z = a + b over dynamic shapes, so mismatched inputs reach the runtime and fail there. */
let addFile: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelport-workers-'))
  addFile = join(dir, 'add.onnx')
  await writeFile(
    addFile,
    writeModel({
      graphName: 'add',
      docString: 'z = a + b',
      inputs: [
        { name: 'a', elemType: DataType.FLOAT, shape: ['n', 'm'] },
        { name: 'b', elemType: DataType.FLOAT, shape: ['p', 'q'] },
      ],
      outputs: [{ name: 'z', elemType: DataType.FLOAT, shape: ['n', 'm'] }],
      initializers: [],
      nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['z'] }],
    }),
  )
  slowFile = await writeSlowMlp(join(dir, 'slow.onnx'), SLOW, 7)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const x = (rows: number, columns: number, value = 0.5): Record<string, HostTensor> => ({
  x: { datatype: 'FP32', shape: [rows, columns], data: new Float32Array(rows * columns).fill(value) },
})

/**
 * How busy the event loop was while `work` ran: the share of the time it was not waiting (0–1). Unlike
 * the longest stall a timer sees, this hardly depends on what else the machine runs.
 */
async function loopUtilization(
  work: () => Promise<unknown>,
): Promise<{ utilization: number; workMs: number }> {
  const before = performance.eventLoopUtilization()
  const started = performance.now()
  await work()
  return {
    utilization: performance.eventLoopUtilization(before).utilization,
    workMs: performance.now() - started,
  }
}

async function using<T>(model: Promise<LoadedModel>, body: (model: LoadedModel) => Promise<T>): Promise<T> {
  const loaded = await model
  try {
    return await body(loaded)
  } finally {
    await loaded.dispose()
  }
}

describe('a model in worker threads', () => {
  it('answers what the same session answers inline', async () => {
    const inline = await using(loadOnnxModel(SIMPLENET_MODEL_PATH), (m) => m.run(x(3, 10, 0.25), ['y']))
    const worker = await using(loadWorkerModel(SIMPLENET_MODEL_PATH), async (m) => {
      expect(m.placement).toBe('worker')
      expect(m.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 10] }])
      return m.run(x(3, 10, 0.25), ['y'])
    })
    expect(worker.y?.shape).toEqual([3, 10])
    expect(Array.from(worker.y?.data as Float32Array)).toEqual(Array.from(inline.y?.data as Float32Array))
  })

  it("keeps a bad input's status, code and message across the thread", async () => {
    await using(loadWorkerModel(addFile), async (m) => {
      const tensor = (rows: number, columns: number): HostTensor => ({
        datatype: 'FP32',
        shape: [rows, columns],
        data: new Float32Array(rows * columns),
      })
      const error = await m.run({ a: tensor(2, 2), b: tensor(2, 3) }, ['z']).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ModelportError)
      expect(error).toMatchObject({ status: 400, code: 'invalid_input' })
      expect((error as Error).message).toMatch(/^The model cannot run on these inputs: .*broadcast/i)
    })
  })

  it('fails the load with the runtime’s reason for a file that is no model', async () => {
    const broken = join(dir, 'broken.onnx')
    await writeFile(broken, 'not a model')
    await expect(loadWorkerModel(broken)).rejects.toThrow(/protobuf|parsing|load model/i)
  })

  it('keeps the event loop free while a long run executes, where an inline run holds it', async () => {
    // Inputs are built before measuring: filling 16 MiB is work of the test's own.
    const inline = await using(loadOnnxModel(slowFile), (m) => {
      const inputs = x(SLOW_ROWS, SLOW.input)
      return loopUtilization(() => m.run(inputs, ['y']))
    })
    const worker = await using(loadWorkerModel(slowFile), (m) => {
      const inputs = x(SLOW_ROWS, SLOW.input)
      return loopUtilization(() => m.run(inputs, ['y'], { transfer: true }))
    })
    // Inline, the run holds the loop for nearly all of its time; in a worker, the loop only waits.
    expect(worker.workMs).toBeGreaterThan(100)
    expect(inline.utilization).toBeGreaterThan(0.8)
    expect(worker.utilization).toBeLessThan(0.1)
  })

  it('moves input buffers to the worker only when the caller gives them up', async () => {
    await using(loadWorkerModel(SIMPLENET_MODEL_PATH), async (m) => {
      const kept = x(1, 10)
      await m.run(kept, ['y'])
      expect(kept.x?.data.length).toBe(10)
      const given = x(1, 10)
      const out = await m.run(given, ['y'], { transfer: true })
      expect(given.x?.data.length).toBe(0)
      expect(out.y?.data.length).toBe(10)
      // A view into a larger buffer is copied, never moved: its owner keeps the rest.
      const whole = new Float32Array(20).fill(1)
      const view: Record<string, HostTensor> = {
        x: { datatype: 'FP32', shape: [1, 10], data: whole.subarray(10) },
      }
      await m.run(view, ['y'], { transfer: true })
      expect(whole.length).toBe(20)
    })
  })

  it('fails only the request a stopped worker held; a new worker takes its place', async () => {
    const errors: Error[] = []
    const model = await loadWorkerModel(slowFile, {
      workers: 2,
      onWorkerError: (error) => errors.push(error),
    })
    try {
      expect(model.parallelism).toBe(2)
      // One worker runs a real request while the other stops holding a task of its own.
      const running = model.run(x(SLOW_ROWS, SLOW.input), ['y'])
      await model.haltOneWorker()
      const [answer] = await Promise.all([running])
      expect(answer.y?.shape).toEqual([SLOW_ROWS, SLOW.output])
      // The model goes on serving, on two workers again.
      const after = await Promise.all([
        model.run(x(2, SLOW.input), ['y']),
        model.run(x(2, SLOW.input), ['y']),
      ])
      expect(after.map((out) => out.y?.shape)).toEqual([
        [2, SLOW.output],
        [2, SLOW.output],
      ])
      expect(model.threadCount).toBe(2)
    } finally {
      await model.dispose()
    }
  })

  it('answers a request that waited for a worker that stopped, from its replacement', async () => {
    const model = await loadWorkerModel(SIMPLENET_MODEL_PATH)
    try {
      // The only worker stops while a request waits for it: the request is answered by its replacement.
      const [, answer] = await Promise.all([model.haltOneWorker(), model.run(x(1, 10), ['y'])])
      expect(answer.y?.shape).toEqual([1, 10])
    } finally {
      await model.dispose()
    }
  })
})

describe('disposing of a model while its threads load', () => {
  it('waits for every thread to finish loading, so the process survives', async () => {
    // onnxruntime-node aborts the whole process ("terminate called after throwing an instance of
    // 'Napi::Error'") when a thread is terminated inside session creation. Four threads of a 32 MB model
    // on two cores: when the first has described the model, the others are still loading. In a child
    // process, since an abort would end the test runner too.
    const script = join(import.meta.dirname, 'support', 'load-and-dispose.ts')
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done, fail) =>
      execFile(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', script, slowFile, '4'],
        { timeout: 120_000 },
        (error, stdout, stderr) =>
          error ? fail(new Error(`${error.message}\n${stderr}`)) : done({ stdout, stderr }),
      ),
    )
    expect(stderr).not.toMatch(/terminate called/)
    expect(stdout).toBe('disposed\n')
  }, 150_000)
})
