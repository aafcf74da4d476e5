/**
 * One request per benchmarked model, in the three forms the suite sends: the JSON body, the binary
 * tensor data extension's body, and the typed arrays for an in-process `session.run`.
 */
import { MLP_IN } from './models.ts'

export interface BenchTensor {
  name: string
  datatype: 'FP32' | 'INT64'
  shape: number[]
  data: Float32Array | BigInt64Array
}

export interface BenchRequest {
  model: string
  tensors: BenchTensor[]
  json: string
  binary: { body: Buffer; headerLength: number }
}

function seeded(n: number, scale: number): Float32Array {
  let a = 12345
  return Float32Array.from({ length: n }, () => {
    a = (a * 1103515245 + 12345) >>> 0
    return (a / 2 ** 32 - 0.5) * scale
  })
}

function toJson(t: BenchTensor) {
  const data = t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data)
  return { name: t.name, datatype: t.datatype, shape: t.shape, data }
}

function request(model: string, tensors: BenchTensor[]): BenchRequest {
  const json = JSON.stringify({ inputs: tensors.map(toJson) })
  const header = Buffer.from(
    JSON.stringify({
      inputs: tensors.map((t) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        parameters: { binary_data_size: t.data.byteLength },
      })),
      parameters: { binary_data_output: true },
    }),
  )
  const parts = tensors.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))
  return {
    model,
    tensors,
    json,
    binary: { body: Buffer.concat([header, ...parts]), headerLength: header.length },
  }
}

export const requests: Record<string, BenchRequest> = {
  simplenet: request('simplenet', [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: seeded(10, 4) }]),
  // Silero v5 at 16 kHz: 64 samples of context + 512 new ones, and the recurrent state.
  'silero-vad': request('silero-vad', [
    { name: 'input', datatype: 'FP32', shape: [1, 576], data: seeded(576, 0.2) },
    { name: 'state', datatype: 'FP32', shape: [2, 1, 128], data: new Float32Array(256) },
    { name: 'sr', datatype: 'INT64', shape: [], data: BigInt64Array.from([16000n]) },
  ]),
  mlp: request('mlp', [{ name: 'x', datatype: 'FP32', shape: [1, MLP_IN], data: seeded(MLP_IN, 1) }]),
}
