/** Models that make small requests expensive, written from code, for the hostile-load suites. */
import { DataType, writeModel } from '../../../scripts/onnx-writer.js'
import { identityModel, type Repository, tempRepository } from '../../support/models.js'

/** y = x repeated `times` over: [n] FP32 in, [n × times] out — an answer far larger than its request. */
export function tileModel(times: number): Uint8Array {
  return writeModel({
    graphName: 'tile',
    inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['n'] }],
    outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: ['m'] }],
    initializers: [
      { name: 'repeats', elemType: DataType.INT64, dims: [1], data: BigInt64Array.of(BigInt(times)) },
    ],
    nodes: [{ opType: 'Tile', inputs: ['x', 'repeats'], outputs: ['y'] }],
  })
}

/**
 * `tile` (×1024, in a worker thread as a model of real size would be: a file this small is placed inline
 * by default), `tile-inline` (the same on the event loop's thread), `echo-bytes` (BYTES identity) and
 * `echo-fp32` (FP32 identity).
 */
export async function hostileRepository(): Promise<Repository> {
  const repo = await tempRepository()
  await repo.add('tile/model.onnx', tileModel(1024))
  await repo.add('tile/model.json', JSON.stringify({ runtime: { placement: 'worker' } }))
  await repo.add('tile-inline/model.onnx', tileModel(1024))
  await repo.add('tile-inline/model.json', JSON.stringify({ runtime: { placement: 'inline' } }))
  await repo.add('echo-bytes/model.onnx', identityModel(DataType.STRING))
  await repo.add('echo-fp32/model.onnx', identityModel(DataType.FLOAT))
  return repo
}

/** A binary-extension request body: the JSON header, then the tensors' bytes. */
export function binaryRequest(
  header: unknown,
  bytes: Uint8Array,
): { body: Uint8Array; headers: Record<string, string> } {
  const head = new TextEncoder().encode(JSON.stringify(header))
  const body = new Uint8Array(head.length + bytes.length)
  body.set(head)
  body.set(bytes, head.length)
  return {
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(head.length),
    },
  }
}
