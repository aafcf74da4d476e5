import { describe, expect, it } from 'vitest'
import {
  binaryThreshold,
  createModelport,
  type Datatype,
  ModelportError,
  type TensorArray,
} from '../src/index'
import { fromBinary, fromLittleEndianBytes, toBinary } from '../src/tensor/binary'
import { fakeOip } from './support/fake-oip'
import { type Recorded, rejection } from './support/serve'

describe('toBinary', () => {
  const cases: [string, { given: { data: TensorArray; datatype: Datatype }; want: number[] }][] = [
    [
      'FP32 little-endian',
      { given: { data: Float32Array.of(1, -2), datatype: 'FP32' }, want: [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0] },
    ],
    ['FP32 from number[]', { given: { data: [1], datatype: 'FP32' }, want: [0, 0, 0x80, 0x3f] }],
    ['FP64', { given: { data: [1], datatype: 'FP64' }, want: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f] }],
    [
      'FP16 values become half bits',
      { given: { data: [1, -2, 0.1], datatype: 'FP16' }, want: [0, 0x3c, 0, 0xc0, 0x66, 0x2e] },
    ],
    [
      'FP16 half bits pass as they are',
      { given: { data: Uint16Array.of(0x3c00, 0x7e00), datatype: 'FP16' }, want: [0, 0x3c, 0, 0x7e] },
    ],
    ['INT16', { given: { data: Int16Array.of(-2, 258), datatype: 'INT16' }, want: [0xfe, 0xff, 0x02, 0x01] }],
    [
      'INT64 from number[]',
      { given: { data: [-1], datatype: 'INT64' }, want: [255, 255, 255, 255, 255, 255, 255, 255] },
    ],
    [
      'UINT64 maximum',
      {
        given: { data: BigUint64Array.of(2n ** 64n - 1n), datatype: 'UINT64' },
        want: [255, 255, 255, 255, 255, 255, 255, 255],
      },
    ],
    ['UINT8 from number[]', { given: { data: [0, 255], datatype: 'UINT8' }, want: [0, 255] }],
    [
      'INT8 from a Uint8Array of small values',
      { given: { data: Uint8Array.of(1, 127), datatype: 'INT8' }, want: [1, 127] },
    ],
    ['BOOL from booleans', { given: { data: [true, false], datatype: 'BOOL' }, want: [1, 0] }],
    [
      'BOOL from any non-zero byte',
      { given: { data: Uint8Array.of(0, 2, 255), datatype: 'BOOL' }, want: [0, 1, 1] },
    ],
    [
      'BYTES as 4-byte lengths and UTF-8',
      {
        given: { data: ['a', 'hé', ''], datatype: 'BYTES' },
        want: [1, 0, 0, 0, 0x61, 3, 0, 0, 0, 0x68, 0xc3, 0xa9, 0, 0, 0, 0],
      },
    ],
    ['empty', { given: { data: new Float32Array(0), datatype: 'FP32' }, want: [] }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(Array.from(toBinary(given.data, given.datatype, 'x'))).toEqual(want)
  })

  it('views a typed array of the same datatype without copying it', () => {
    const data = new Float32Array(new ArrayBuffer(64), 16, 4)
    const bytes = toBinary(data, 'FP32', 'x')
    expect(bytes.buffer).toBe(data.buffer)
    expect(bytes.byteOffset).toBe(16)
    expect(bytes.byteLength).toBe(16)
  })

  const refused: [string, { given: { data: TensorArray; datatype: Datatype }; want: string }][] = [
    [
      'a fraction for INT32',
      { given: { data: [0.5], datatype: 'INT32' }, want: "Input 'x': 0.5 is not a INT32 value" },
    ],
    [
      '300 for UINT8',
      { given: { data: [300], datatype: 'UINT8' }, want: "Input 'x': 300 is not a UINT8 value" },
    ],
    [
      '-1 for UINT64',
      { given: { data: [-1], datatype: 'UINT64' }, want: "Input 'x': -1 is not a UINT64 value" },
    ],
    [
      '2^63 for INT64',
      {
        given: { data: BigUint64Array.of(2n ** 63n), datatype: 'INT64' },
        want: "Input 'x': 9223372036854775808 is not a INT64 value",
      },
    ],
    ['BF16', { given: { data: [1], datatype: 'BF16' }, want: "Input 'x': BF16 is not supported" }],
  ]
  it.each(refused)('refuses %s, naming the input', (_, { given, want }) => {
    expect(() => toBinary(given.data, given.datatype, 'x')).toThrow(want)
  })
})

describe('fromBinary', () => {
  const bytes = (values: number[]) => Uint8Array.from(values)
  const cases: [
    string,
    {
      given: { bytes: Uint8Array; datatype: Datatype; count: number }
      want: { Class: unknown; values: unknown[] }
    },
  ][] = [
    [
      'FP32',
      {
        given: { bytes: bytes([0, 0, 0x80, 0x3f]), datatype: 'FP32', count: 1 },
        want: { Class: Float32Array, values: [1] },
      },
    ],
    [
      'FP16 widens to Float32Array',
      {
        given: { bytes: bytes([0, 0x3c, 0, 0x7c]), datatype: 'FP16', count: 2 },
        want: { Class: Float32Array, values: [1, Number.POSITIVE_INFINITY] },
      },
    ],
    [
      'BOOL',
      {
        given: { bytes: bytes([1, 0]), datatype: 'BOOL', count: 2 },
        want: { Class: Array, values: [true, false] },
      },
    ],
    [
      'INT64',
      {
        given: { bytes: bytes([255, 255, 255, 255, 255, 255, 255, 255]), datatype: 'INT64', count: 1 },
        want: { Class: BigInt64Array, values: [-1n] },
      },
    ],
    [
      'BYTES',
      {
        given: { bytes: bytes([2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0]), datatype: 'BYTES', count: 2 },
        want: { Class: Array, values: ['hi', ''] },
      },
    ],
    [
      'UINT8',
      { given: { bytes: bytes([7]), datatype: 'UINT8', count: 1 }, want: { Class: Uint8Array, values: [7] } },
    ],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    const data = fromBinary(given.bytes, given.datatype, given.count)
    expect(data).toBeInstanceOf(want.Class)
    expect(Array.from(data)).toEqual(want.values)
  })

  it('reads elements from an unaligned offset into an aligned copy', () => {
    const body = new Uint8Array(9)
    body.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], 1)
    expect(Array.from(fromBinary(body.subarray(1), 'FP32', 2))).toEqual([1, 2])
  })

  it('returns arrays that own their buffer, not views of the response', () => {
    const body = Uint8Array.of(0, 0, 0x80, 0x3f, 0, 0, 0, 0x40)
    const data = fromBinary(body.subarray(4), 'FP32', 1) as Float32Array
    expect(Array.from(data)).toEqual([2])
    expect(data.buffer).not.toBe(body.buffer)
    expect(data.buffer.byteLength).toBe(4)
  })

  const broken: [string, { given: { bytes: Uint8Array; datatype: Datatype; count: number } }][] = [
    ['too few bytes for the shape', { given: { bytes: bytes([0, 0, 0x80]), datatype: 'FP32', count: 1 } }],
    ['too many', { given: { bytes: bytes([0, 0, 0, 0, 0]), datatype: 'FP32', count: 1 } }],
    [
      'a BYTES length past the end',
      { given: { bytes: bytes([9, 0, 0, 0, 0x61]), datatype: 'BYTES', count: 1 } },
    ],
    [
      'fewer BYTES elements than the shape',
      { given: { bytes: bytes([1, 0, 0, 0, 0x61]), datatype: 'BYTES', count: 2 } },
    ],
    ['BF16', { given: { bytes: bytes([0, 0]), datatype: 'BF16', count: 1 } }],
  ]
  it.each(broken)('refuses %s', (_, { given }) => {
    expect(() => fromBinary(given.bytes, given.datatype, given.count)).toThrow(RangeError)
  })
})

describe('fromLittleEndianBytes', () => {
  // The server reads request tensors with it: aligned bytes must not be copied.
  it('views bytes aligned for the element type', () => {
    const body = new Uint8Array(16)
    body.set([0, 0, 0, 0, 0, 0, 0xf0, 0x3f], 8)
    const data = fromLittleEndianBytes(body.subarray(8), Float64Array)
    expect(data).toBeInstanceOf(Float64Array)
    expect(Array.from(data as Float64Array)).toEqual([1])
    expect(data.buffer).toBe(body.buffer)
    expect(data.byteOffset).toBe(8)
  })

  it('copies bytes that are not aligned, and reads them the same', () => {
    const body = new Uint8Array(17)
    body.set([255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0], 1)
    const data = fromLittleEndianBytes(body.subarray(1), BigInt64Array)
    expect(Array.from(data as BigInt64Array)).toEqual([-1n, 1n])
    expect(data.buffer).not.toBe(body.buffer)
  })
})

const routes = (requests: Recorded[]) => requests.map((r) => `${r.method} ${r.url}`)
const headerOf = (req: Recorded | undefined) => {
  const length = Number(req?.headers['inference-header-content-length'])
  return JSON.parse(req?.bytes.subarray(0, length).toString('utf8') ?? 'null')
}

describe('infer with the binary tensor data extension', () => {
  const large = () => Float32Array.from({ length: binaryThreshold }, (_, i) => i / 8)
  const request = (data: Float32Array) => ({
    inputs: { x: { data, shape: [data.length / 8, 8], datatype: 'FP32' as const } },
  })

  it('sends small requests as JSON without asking the server about the extension', async () => {
    const server = await fakeOip()
    const result = await createModelport({ baseUrl: server.url }).infer(
      'm',
      request(new Float32Array(16).fill(1)),
    )
    expect(routes(server.requests)).toEqual(['POST /v2/models/m/infer'])
    expect(server.requests[0]?.headers['content-type']).toBe('application/json')
    expect(Array.from(result.outputs.y?.data as Float32Array)).toEqual(Array(16).fill(2))
  })

  it('sends large requests as binary once the server lists the extension, asking it once', async () => {
    const server = await fakeOip()
    const mp = createModelport({ baseUrl: server.url })
    const data = large()
    const first = await mp.infer('m', { ...request(data), id: 'req-b' })
    await mp.infer('m', request(data))
    expect(routes(server.requests)).toEqual(['GET /v2', 'POST /v2/models/m/infer', 'POST /v2/models/m/infer'])

    const sent = server.requests[1]
    expect(sent?.headers['content-type']).toBe('application/octet-stream')
    const header = headerOf(sent)
    expect(header).toEqual({
      id: 'req-b',
      parameters: { binary_data_output: true },
      inputs: [{ name: 'x', datatype: 'FP32', shape: [128, 8], parameters: { binary_data_size: 4096 } }],
    })
    const length = Number(sent?.headers['inference-header-content-length'])
    expect(sent?.bytes.length).toBe(length + 4096)
    expect(Buffer.from(data.buffer).equals(sent?.bytes.subarray(length) ?? Buffer.alloc(0))).toBe(true)

    expect(first.id).toBe('req-b')
    expect(first.model_name).toBe('m')
    expect(first.outputs.y?.shape).toEqual([128, 8])
    expect(first.outputs.y?.data).toEqual(data.map((v) => v * 2))
    expect(first.outputs.x_out?.data).toEqual(data)
  })

  it('stays with JSON when the server does not list the extension', async () => {
    const server = await fakeOip({ extensions: [] })
    const mp = createModelport({ baseUrl: server.url })
    const result = await mp.infer('m', request(large()))
    expect(routes(server.requests)).toEqual(['GET /v2', 'POST /v2/models/m/infer'])
    expect(server.requests[1]?.headers['content-type']).toBe('application/json')
    expect(result.outputs.y?.data).toEqual(large().map((v) => v * 2))
  })

  it('falls back to JSON when GET /v2 fails, and asks again next time', async () => {
    const server = await fakeOip({ metadataStatus: 500 })
    const mp = createModelport({ baseUrl: server.url })
    await mp.infer('m', request(large()))
    await mp.infer('m', request(large()))
    expect(routes(server.requests)).toEqual([
      'GET /v2',
      'POST /v2/models/m/infer',
      'GET /v2',
      'POST /v2/models/m/infer',
    ])
    expect(server.requests[1]?.headers['content-type']).toBe('application/json')
  })

  it('binary: false keeps a large request in JSON; binary: true sends a small one as binary', async () => {
    const server = await fakeOip()
    const mp = createModelport({ baseUrl: server.url })
    await mp.infer('m', { ...request(large()), binary: false })
    await mp.infer('m', { ...request(new Float32Array(8)), binary: true })
    expect(routes(server.requests)).toEqual(['POST /v2/models/m/infer', 'POST /v2/models/m/infer'])
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual([
      'application/json',
      'application/octet-stream',
    ])
  })

  it('round-trips every datatype through binary inputs and outputs', async () => {
    const server = await fakeOip()
    const mp = createModelport({ baseUrl: server.url })
    const result = await mp.infer('m', {
      binary: true,
      parameters: { priority: 2 },
      inputs: {
        b: { data: [true, false, true], shape: [3], datatype: 'BOOL' },
        u8: { data: Uint8Array.of(0, 255), shape: [2], datatype: 'UINT8' },
        i8: { data: Int8Array.of(-128, 127), shape: [2], datatype: 'INT8' },
        i16: { data: [-32768, 32767], shape: [2], datatype: 'INT16' },
        u16: { data: Uint16Array.of(65535), shape: [1], datatype: 'UINT16' },
        i32: { data: Int32Array.of(-2147483648), shape: [1], datatype: 'INT32' },
        u32: { data: [4294967295], shape: [1], datatype: 'UINT32' },
        i64: { data: BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n), shape: [2], datatype: 'INT64' },
        u64: { data: BigUint64Array.of(2n ** 64n - 1n), shape: [1], datatype: 'UINT64' },
        h: { data: [1, 0.1, -65504], shape: [3], datatype: 'FP16' },
        hbits: { data: Uint16Array.of(0x3c00, 0x7e00), shape: [2], datatype: 'FP16' },
        f64: { data: Float64Array.of(0.1, Number.NaN), shape: [2], datatype: 'FP64' },
        s: { data: ['héllo', '', '漢字'], shape: [3], datatype: 'BYTES' },
      },
    })
    expect(headerOf(server.requests[0]).parameters).toEqual({ priority: 2, binary_data_output: true })
    const out = (name: string) => Array.from(result.outputs[`${name}_out`]?.data as ArrayLike<unknown>)
    expect(out('b')).toEqual([true, false, true])
    expect(out('u8')).toEqual([0, 255])
    expect(out('i8')).toEqual([-128, 127])
    expect(out('i16')).toEqual([-32768, 32767])
    expect(out('u16')).toEqual([65535])
    expect(out('i32')).toEqual([-2147483648])
    expect(out('u32')).toEqual([4294967295])
    expect(out('i64')).toEqual([-(2n ** 63n), 2n ** 53n + 1n])
    expect(out('u64')).toEqual([2n ** 64n - 1n])
    expect(out('h')).toEqual([1, 0.0999755859375, -65504])
    expect(out('hbits')).toEqual([1, Number.NaN])
    expect(out('f64')).toEqual([0.1, Number.NaN])
    expect(out('s')).toEqual(['héllo', '', '漢字'])
    expect(result.outputs.h_out?.data).toBeInstanceOf(Float32Array)
    expect(result.outputs.i64_out?.data).toBeInstanceOf(BigInt64Array)
  })

  it('reads a binary response where some outputs came as JSON', async () => {
    const server = await fakeOip({ jsonOutput: 'x_out' })
    const result = await createModelport({ baseUrl: server.url }).infer('m', {
      ...request(new Float32Array(8).fill(3)),
      binary: true,
    })
    expect(Array.from(result.outputs.x_out?.data as Float32Array)).toEqual(Array(8).fill(3))
    expect(Array.from(result.outputs.y?.data as Float32Array)).toEqual(Array(8).fill(6))
  })

  it('throws invalid_response, without retrying, for a binary body cut short', async () => {
    const server = await fakeOip({ truncate: 3 })
    const error = await rejection(
      createModelport({ baseUrl: server.url }).infer('m', { ...request(new Float32Array(8)), binary: true }),
    )
    expect(error).toBeInstanceOf(ModelportError)
    expect(error.code).toBe('invalid_response')
    expect(error.message).toMatch(/^Unreadable inference response: /)
    expect(server.requests).toHaveLength(1)
  })
})
