/** Tensor data written as JSON text must mean exactly what `JSON.stringify` of the protocol form means. */
import { toJsonData } from '@modelport/sdk'
import { describe, expect, it } from 'vitest'
import type { HostTensor } from '../../src/runtime/types.js'
import { dataText, outputText } from '../../src/tensors/json-text.js'

const cases: [string, HostTensor][] = [
  [
    'FP32 with specials, -0 and exponents',
    {
      datatype: 'FP32',
      shape: [8],
      data: Float32Array.from([
        0.1,
        -0,
        1e-7,
        3.4e38,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -2.5,
      ]),
    },
  ],
  ['FP64', { datatype: 'FP64', shape: [3], data: Float64Array.from([0.1, 1e21, -1e-300]) }],
  ['FP16 bits', { datatype: 'FP16', shape: [4], data: Uint16Array.from([0x3c00, 0x7c00, 0xfe00, 0x0001]) }],
  ['INT8', { datatype: 'INT8', shape: [3], data: Int8Array.from([-128, 0, 127]) }],
  ['UINT32', { datatype: 'UINT32', shape: [2], data: Uint32Array.from([0, 4294967295]) }],
  [
    'INT64 beyond 2^53',
    { datatype: 'INT64', shape: [3], data: BigInt64Array.from([-(2n ** 63n), 7n, 2n ** 53n + 1n]) },
  ],
  ['UINT64', { datatype: 'UINT64', shape: [2], data: BigUint64Array.from([2n ** 64n - 1n, 1n]) }],
  ['BOOL', { datatype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) }],
  ['BYTES', { datatype: 'BYTES', shape: [3], data: ['quote " and \\', 'модель', ''] }],
  ['empty', { datatype: 'FP32', shape: [0], data: new Float32Array(0) }],
]

describe('tensor data as JSON text', () => {
  it.each(cases)('%s reads back as JSON.stringify of the protocol form', (_name, tensor) => {
    // Through JSON both ways, as a client reads it (-0 prints as 0 either way).
    const want = JSON.parse(JSON.stringify(toJsonData(tensor.data, tensor.datatype)))
    expect(JSON.parse(dataText(tensor))).toEqual(want)
    expect(JSON.parse(outputText('y', tensor))).toEqual({
      name: 'y',
      datatype: tensor.datatype,
      shape: tensor.shape,
      data: want,
    })
  })
})
