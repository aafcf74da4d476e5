/** The `auto` placement: short runs on the event loop, everything else in the workers. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIMPLENET_MODEL_PATH } from '../../scripts/simplenet.js'
import { loadOnnxModel, loadPlacedModel, loadWorkerModel } from '../../src/runtime/onnx/session.js'
import { type AutoPlacedModel, withShortRunsInline } from '../../src/runtime/short-runs-inline.js'
import type { HostTensor } from '../../src/runtime/types.js'
import { writeSlowMlp } from './support/slow-model.js'

const x = (rows: number, value = 0.5): Record<string, HostTensor> => ({
  x: { datatype: 'FP32', shape: [rows, 10], data: new Float32Array(rows * 10).fill(value) },
})

/** A model whose one-row run takes milliseconds: 2048 inputs into 4096 hidden units. */
const SLOW = { input: 2048, hidden: 4096, output: 8 }
let dir: string
let slowFile: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelport-auto-'))
  slowFile = await writeSlowMlp(join(dir, 'slow.onnx'), SLOW, 11)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const auto = async (file: string): Promise<AutoPlacedModel> =>
  withShortRunsInline(await loadWorkerModel(file), () => loadOnnxModel(file))

/** Waits until the inline session has loaded (it loads in the background after a short run). */
async function untilInline(model: AutoPlacedModel, input: Record<string, HostTensor>) {
  for (let i = 0; i < 200 && model.placedRuns.inline === 0; i++) await model.run(input, ['y'])
}

describe('auto placement', () => {
  it('moves a short run onto the event loop once it has been measured, with the same outputs', async () => {
    const model = await auto(SIMPLENET_MODEL_PATH)
    const reference = await loadOnnxModel(SIMPLENET_MODEL_PATH)
    try {
      expect(model.placement).toBe('auto')
      const first = await model.run(x(1), ['y'])
      // Nothing was known of the model: the first run went to a worker.
      expect(model.placedRuns).toEqual({ inline: 0, worker: 1 })
      await untilInline(model, x(1))
      expect(model.placedRuns.inline).toBe(1)
      const inline = await model.run(x(1), ['y'])
      expect(model.placedRuns.inline).toBe(2)
      const want = Array.from((await reference.run(x(1), ['y'])).y?.data as Float32Array)
      expect(Array.from(first.y?.data as Float32Array)).toEqual(want)
      expect(Array.from(inline.y?.data as Float32Array)).toEqual(want)
    } finally {
      await Promise.all([model.dispose(), reference.dispose()])
    }
  })

  it('sends a big run of the same model to a worker, and a burst to the workers beside one inline run', async () => {
    const model = await auto(SIMPLENET_MODEL_PATH)
    try {
      await untilInline(model, x(1))
      const before = { ...model.placedRuns }
      // 200,000 rows: predicted from one-row runs at far more than the inline limit.
      const big = await model.run(x(200_000), ['y'])
      expect(big.y?.shape).toEqual([200_000, 10])
      expect(model.placedRuns).toEqual({ inline: before.inline, worker: before.worker + 1 })
      await untilInline(model, x(1))
      const after = { ...model.placedRuns }
      await Promise.all([1, 2, 3, 4].map(() => model.run(x(1), ['y'])))
      expect(model.placedRuns.inline - after.inline).toBe(1)
      expect(model.placedRuns.worker - after.worker).toBe(3)
    } finally {
      await model.dispose()
    }
  })

  it('keeps a model whose runs are long in its workers', async () => {
    const model = await auto(slowFile)
    const input = {
      x: { datatype: 'FP32' as const, shape: [1, SLOW.input], data: new Float32Array(SLOW.input).fill(0.1) },
    }
    try {
      // A one-row run of this model takes milliseconds, more than the inline limit: none runs here.
      for (let i = 0; i < 20; i++) await model.run(input, ['y'])
      expect(model.placedRuns).toEqual({ inline: 0, worker: 20 })
    } finally {
      await model.dispose()
    }
  })

  it('stays in the workers when the inline session cannot load, and says why', async () => {
    const errors: string[] = []
    const model = withShortRunsInline(
      await loadWorkerModel(SIMPLENET_MODEL_PATH),
      () => loadOnnxModel(join(dir, 'missing.onnx')),
      { onInlineError: (error) => errors.push(error.message) },
    )
    try {
      for (let i = 0; i < 20; i++) await model.run(x(1), ['y'])
      expect(model.placedRuns).toEqual({ inline: 0, worker: 20 })
      expect(errors).toHaveLength(1)
    } finally {
      await model.dispose()
    }
  })

  it('is the default for a model file of 256 KiB or more, and model.json can ask for workers only', async () => {
    const placed = await loadPlacedModel(slowFile)
    const workers = await loadPlacedModel(slowFile, { placement: 'worker' })
    try {
      expect(placed.placement).toBe('auto')
      expect(workers.placement).toBe('worker')
    } finally {
      await Promise.all([placed.dispose(), workers.dispose()])
    }
  })
})
