/** A model in plain code for batcher tests: y = 2x on any [N, …] FP32 input, with runs recorded. */
import type { HostTensor, LoadedModel } from '../../src/runtime/types.js'

export interface FakeModel extends LoadedModel {
  /** The shape of `x` in every run, in order. */
  readonly runs: number[][]
  /** While set, runs wait for it; resolve it to let them finish. */
  gate: Promise<void> | undefined
  disposed: boolean
}

export function fakeModel(
  options: { fail?: (x: Float32Array) => boolean; rows?: (n: number) => number } = {},
): FakeModel {
  const model: FakeModel = {
    platform: 'fake',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, -1] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, -1] }],
    runs: [],
    gate: undefined,
    disposed: false,
    async run(inputs) {
      const x = inputs.x as HostTensor
      model.runs.push([...x.shape])
      await model.gate
      await new Promise((done) => setImmediate(done))
      const data = x.data as Float32Array
      if (options.fail?.(data)) throw new Error('this input breaks the model')
      const rows = options.rows ? options.rows(x.shape[0] as number) : (x.shape[0] as number)
      const y = data.map((v) => v * 2).subarray(0, rows * (data.length / (x.shape[0] as number)))
      return { y: { datatype: 'FP32', shape: [rows, ...x.shape.slice(1)], data: y } }
    },
    async dispose() {
      model.disposed = true
    },
  }
  return model
}

export function fp32(shape: number[], values: (i: number) => number): Record<string, HostTensor> {
  const n = shape.reduce((a, b) => a * b, 1)
  return { x: { datatype: 'FP32', shape, data: Float32Array.from({ length: n }, (_, i) => values(i)) } }
}
