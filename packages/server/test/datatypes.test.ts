/**
 * Every datatype over real HTTP: ONNX's own backend test cases (Debian libonnx-testdata) with their
 * expected outputs, sent as JSON by hand and through the SDK's `infer`, plus edge values that JSON
 * cannot carry as plain numbers.
 */
import { symlink } from 'node:fs/promises'
import { join } from 'node:path'
import {
  createModelport,
  type Datatype,
  fromFloat16Bits,
  type TensorArray,
  toFloat16Bits,
} from '@modelport/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataType } from '../scripts/onnx-writer.js'
import { type RunningServer, startServer } from '../src/node.js'
import { binaryBody, fromBytes, readBinaryResponse, toBytes } from './support/binary.js'
import { assertMatchesContract } from './support/contract.js'
import { identityModel, type Repository, tempRepository } from './support/models.js'
import {
  BF16_CASE,
  DATATYPE_CASES,
  hasTestdata,
  type OipDatatype,
  readCase,
  type Tensor,
  type TensorValue,
} from './support/onnx-testdata.js'

// FP64 out, and NaN/±Infinity out of a cast from strings.
const CASES = [...DATATYPE_CASES, 'test_cast_FLOAT_to_DOUBLE', 'test_cast_STRING_to_FLOAT']
const silent = { info() {}, warn() {}, error() {} }

let repo: Repository
let server: RunningServer

beforeAll(async () => {
  repo = await tempRepository()
  if (hasTestdata()) {
    for (const name of [...CASES, BF16_CASE]) {
      await repo.add(`${name}/README`, '')
      await symlink(readCase(name).modelPath, join(repo.dir, name, 'model.onnx'))
    }
  }
  const identities: [string, number][] = [
    ['id-int64', DataType.INT64],
    ['id-uint64', DataType.UINT64],
    ['id-fp32', DataType.FLOAT],
    ['id-fp64', DataType.DOUBLE],
    ['id-fp16', DataType.FLOAT16],
    ['id-bool', DataType.BOOL],
    ['id-bytes', DataType.STRING],
    ['id-int8', DataType.INT8],
    ['id-int16', DataType.INT16],
    ['id-int32', DataType.INT32],
    ['id-uint8', DataType.UINT8],
    ['id-uint16', DataType.UINT16],
    ['id-uint32', DataType.UINT32],
  ]
  for (const [name, type] of identities) await repo.add(`${name}/1/model.onnx`, identityModel(type))
  server = await startServer({ port: 0, builtins: false, modelsDir: repo.dir, log: silent })
})

afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

function jsonValue(value: TensorValue): number | string | boolean {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value)
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  return value
}

function expectValues(actual: ArrayLike<unknown>, expected: TensorValue[], datatype: string): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]
    const got = actual[i]
    if (datatype === 'FP32' || datatype === 'FP64' || datatype === 'FP16') {
      if (Number.isNaN(want)) expect(got).toBeNaN()
      else expect(got).toBe(want)
    } else expect(got).toEqual(want)
  }
}

async function post(path: string, body: unknown) {
  const response = await fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe.skipIf(!hasTestdata())('ONNX backend test cases over JSON', () => {
  it.each(CASES)('%s gives the expected outputs', async (name) => {
    const testCase = readCase(name)
    const res = await post(`/v2/models/${name}/infer`, {
      inputs: testCase.inputs.map((t) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        data: t.data.map(jsonValue),
      })),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    assertMatchesContract('POST', '/v2/models/{model}/infer', 200, res.body)
    const outputs = res.body.outputs as { name: string; datatype: string; shape: number[]; data: unknown[] }[]
    for (const want of testCase.outputs) {
      const got = outputs.find((o) => o.name === want.name)
      expect(got?.datatype).toBe(want.datatype)
      expect(got?.shape).toEqual(want.shape)
      const decoded = (got?.data ?? []).map((v) =>
        want.datatype === 'INT64' || want.datatype === 'UINT64'
          ? BigInt(v as string)
          : v === 'NaN'
            ? Number.NaN
            : v === 'Infinity'
              ? Number.POSITIVE_INFINITY
              : v === '-Infinity'
                ? Number.NEGATIVE_INFINITY
                : v,
      )
      expectValues(decoded, want.data, want.datatype)
    }
  })

  it('refuses a BF16 model: it cannot be loaded, so it is unavailable, not a crash', async () => {
    const res = await post(`/v2/models/${BF16_CASE}/infer`, {
      inputs: [{ name: 'input', datatype: 'BF16', shape: [1], data: [1] }],
    })
    expect(res.status).toBe(503)
    assertMatchesContract('POST', '/v2/models/{model}/infer', 503, res.body)
    expect(res.body.error).toMatch(/failed to load/)
  })
})

// FP16 travels as half bits in binary: convert the decoded test values both ways.
const toWire = (t: Tensor) => (t.datatype === 'FP16' ? t.data.map((v) => toFloat16Bits(Number(v))) : t.data)
const fromWire = (datatype: string, values: TensorValue[]) =>
  datatype === 'FP16' ? values.map((v) => fromFloat16Bits(Number(v))) : values

describe.skipIf(!hasTestdata())('ONNX backend test cases over the binary tensor data extension', () => {
  it.each(CASES)('%s gives the expected outputs as raw bytes', async (name) => {
    const testCase = readCase(name)
    const { body, headerLength } = binaryBody(
      {
        inputs: testCase.inputs.map((t) => ({
          name: t.name,
          datatype: t.datatype,
          shape: t.shape,
          parameters: { binary_data_size: toBytes(t.datatype, toWire(t)).length },
        })),
        parameters: { binary_data_output: true },
      },
      testCase.inputs.map((t) => toBytes(t.datatype, toWire(t))),
    )
    const response = await fetch(`${server.url}/v2/models/${name}/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
      body,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    const { header, binary } = await readBinaryResponse(response)
    let offset = 0
    for (const out of header.outputs as unknown as {
      name: string
      datatype: OipDatatype
      shape: number[]
      parameters: { binary_data_size: number }
    }[]) {
      const size = out.parameters.binary_data_size
      const want = testCase.outputs.find((o) => o.name === out.name)
      expect(want, out.name).toBeDefined()
      expect(out.datatype).toBe(want?.datatype)
      expect(out.shape).toEqual(want?.shape)
      expectValues(
        fromWire(out.datatype, fromBytes(out.datatype, binary.subarray(offset, offset + size))),
        want?.data ?? [],
        out.datatype,
      )
      offset += size
    }
    expect(offset).toBe(binary.length)
  })
})

const arrays: Partial<Record<Datatype, (values: TensorValue[]) => TensorArray>> = {
  BOOL: (v) => v as boolean[],
  BYTES: (v) => v as string[],
  FP16: (v) => Float32Array.from(v as number[]),
  FP32: (v) => Float32Array.from(v as number[]),
  FP64: (v) => Float64Array.from(v as number[]),
  INT8: (v) => Int8Array.from(v as number[]),
  INT16: (v) => Int16Array.from(v as number[]),
  INT32: (v) => Int32Array.from(v as number[]),
  INT64: (v) => BigInt64Array.from(v as bigint[]),
  UINT8: (v) => Uint8Array.from(v as number[]),
  UINT16: (v) => Uint16Array.from(v as number[]),
  UINT32: (v) => Uint32Array.from(v as number[]),
  UINT64: (v) => BigUint64Array.from(v as bigint[]),
}

function typed(t: Tensor) {
  const make = arrays[t.datatype]
  if (!make) throw new Error(`no array for ${t.datatype}`)
  return { data: make(t.data), shape: t.shape, datatype: t.datatype }
}

describe.skipIf(!hasTestdata())('ONNX backend test cases through the SDK', () => {
  it.each(CASES)('%s round-trips typed arrays', async (name) => {
    const mp = createModelport({ baseUrl: server.url })
    const testCase = readCase(name)
    const inputs = Object.fromEntries(testCase.inputs.map((t) => [t.name, typed(t)]))
    const result = await mp.infer(name, { inputs })
    for (const want of testCase.outputs) {
      const got = result.outputs[want.name]
      expect(got?.datatype).toBe(want.datatype)
      expect(got?.shape).toEqual(want.shape)
      expectValues(Array.from(got?.data as ArrayLike<unknown>), want.data, want.datatype)
    }
  })
})

describe('values JSON cannot hold as plain numbers', () => {
  const mp = () => createModelport({ baseUrl: server.url })

  it('keeps 64-bit integers exact in both directions', async () => {
    const int64 = BigInt64Array.from([2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -7n, 0n])
    const out = await mp().infer('id-int64', { inputs: { x: int64 } })
    expect(out.outputs.y?.data).toEqual(int64)
    const uint64 = BigUint64Array.from([2n ** 64n - 1n, 2n ** 53n + 1n, 1n])
    const outU = await mp().infer('id-uint64', { inputs: { x: uint64 } })
    expect(outU.outputs.y?.data).toEqual(uint64)
  })

  it('refuses a 64-bit integer sent as an unsafe JSON number instead of rounding it', async () => {
    // Written as JSON text: a JavaScript number literal could not even hold 2^53 + 1.
    const body = '{"inputs":[{"name":"x","datatype":"INT64","shape":[1],"data":[9007199254740993]}]}'
    const response = await fetch(`${server.url}/v2/models/id-int64/infer`, { method: 'POST', body })
    const res = { status: response.status, body: (await response.json()) as { error: string } }
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/beyond ±2\^53 as decimal strings/)
  })

  it('refuses integers out of the datatype range instead of wrapping them', async () => {
    const res = await post('/v2/models/id-int8/infer', {
      inputs: [{ name: 'x', datatype: 'INT8', shape: [2], data: [1, 300] }],
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/element 1 is 300: INT8 needs a value from -128 to 127/)
    const frac = await post('/v2/models/id-int8/infer', {
      inputs: [{ name: 'x', datatype: 'INT8', shape: [1], data: [1.5] }],
    })
    expect(frac.body.error).toMatch(/INT8 needs an integer/)
  })

  it('carries NaN and infinities as names', async () => {
    const fp32 = Float32Array.from([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5])
    const out = await mp().infer('id-fp32', { inputs: { x: fp32 } })
    expect(Array.from(out.outputs.y?.data as Float32Array)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.5,
    ])
    const raw = await post('/v2/models/id-fp64/infer', {
      inputs: [{ name: 'x', datatype: 'FP64', shape: [3], data: ['NaN', '-Infinity', 0.1] }],
    })
    expect(raw.body.outputs).toEqual([
      { name: 'y', datatype: 'FP64', shape: [3], data: ['NaN', '-Infinity', 0.1] },
    ])
  })

  it('carries FP16 given as values or as half bit patterns', async () => {
    const values = await mp().infer('id-fp16', {
      inputs: { x: { data: Float32Array.from([1, -2.5, 65504, 2 ** -24]), datatype: 'FP16' } },
    })
    expect(Array.from(values.outputs.y?.data as Float32Array)).toEqual([1, -2.5, 65504, 2 ** -24])
    const bits = await mp().infer('id-fp16', {
      inputs: { x: { data: Uint16Array.from([0x3c00, 0x7c00, 0xfc00]), datatype: 'FP16' } },
    })
    expect(Array.from(bits.outputs.y?.data as Float32Array)).toEqual([
      1,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ])
  })

  it('carries BOOL and BYTES, including empty and non-ASCII strings', async () => {
    const flags = await mp().infer('id-bool', { inputs: { x: [true, false, true] } })
    expect(flags.outputs.y?.data).toEqual([true, false, true])
    const words = ['héllo', '', 'модель', '🌍 emoji', 'quote " and \\ backslash']
    const text = await mp().infer('id-bytes', { inputs: { x: words } })
    expect(text.outputs.y?.data).toEqual(words)
  })
})

describe('the binary tensor data extension between the SDK and the server', () => {
  // The SDK encodes what the server decodes and decodes what it encodes: one codec on both sides.
  const extremes: [Datatype, TensorArray, ArrayLike<unknown>][] = [
    ['BOOL', [true, false, true], [true, false, true]],
    ['UINT8', Uint8Array.of(0, 255), [0, 255]],
    ['UINT16', Uint16Array.of(0, 65535), [0, 65535]],
    ['UINT32', [0, 4294967295], [0, 4294967295]],
    ['UINT64', BigUint64Array.of(0n, 2n ** 64n - 1n), [0n, 2n ** 64n - 1n]],
    ['INT8', Int8Array.of(-128, 127), [-128, 127]],
    ['INT16', [-32768, 32767], [-32768, 32767]],
    ['INT32', Int32Array.of(-2147483648, 2147483647), [-2147483648, 2147483647]],
    [
      'INT64',
      BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n),
      [-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n],
    ],
    [
      'FP16',
      [1, 0.1, -65504, Number.POSITIVE_INFINITY],
      [1, 0.0999755859375, -65504, Number.POSITIVE_INFINITY],
    ],
    [
      'FP32',
      Float32Array.of(Number.NaN, -0.5, 3.4028234663852886e38),
      [Number.NaN, -0.5, 3.4028234663852886e38],
    ],
    ['FP64', Float64Array.of(0.1, Number.NEGATIVE_INFINITY), [0.1, Number.NEGATIVE_INFINITY]],
    ['BYTES', ['héllo', '', '漢字', '🌍'], ['héllo', '', '漢字', '🌍']],
  ]

  it.each(extremes)('round-trips %s as raw bytes both ways', async (datatype, data, want) => {
    const contentTypes: (string | null)[] = []
    const mp = createModelport({
      baseUrl: server.url,
      fetch: async (input, init) => {
        contentTypes.push(new Headers(init?.headers).get('content-type'))
        const response = await fetch(input, init)
        contentTypes.push(response.headers.get('content-type'))
        return response
      },
    })
    const result = await mp.infer(`id-${datatype.toLowerCase()}`, {
      inputs: { x: { data, shape: [data.length], datatype } },
      binary: true,
    })
    expect(contentTypes).toEqual(['application/octet-stream', 'application/octet-stream'])
    expect(result.outputs.y?.datatype).toBe(datatype)
    expect(Array.from(result.outputs.y?.data as ArrayLike<unknown>)).toEqual(Array.from(want))
  })

  const bytes = (...values: number[]) => Uint8Array.from(values)
  const malformed: [string, { datatype: Datatype; shape: number[]; data: Uint8Array; says: string }][] = [
    [
      'a cut-off BYTES length prefix',
      {
        datatype: 'BYTES',
        shape: [2],
        data: bytes(1, 0, 0, 0, 0x61, 5, 0),
        says: "Input 'x' BYTES element 1 has a cut-off length prefix.",
      },
    ],
    [
      'a BYTES length past the end',
      {
        datatype: 'BYTES',
        shape: [1],
        data: bytes(9, 0, 0, 0, 0x61),
        says: "Input 'x' BYTES element 0 says 9 bytes, but only 1 remain.",
      },
    ],
    [
      'BYTES that are not UTF-8',
      {
        datatype: 'BYTES',
        shape: [2],
        data: bytes(0, 0, 0, 0, 1, 0, 0, 0, 0xff),
        says: "Input 'x' BYTES element 1 is not UTF-8 text; ONNX Runtime for Node carries strings only.",
      },
    ],
    [
      'fewer BYTES elements than the shape',
      {
        datatype: 'BYTES',
        shape: [2],
        data: bytes(1, 0, 0, 0, 0x61),
        says: "Input 'x' has 1 BYTES elements but its shape needs 2.",
      },
    ],
    [
      'a BOOL byte other than 0 or 1',
      {
        datatype: 'BOOL',
        shape: [3],
        data: bytes(1, 0, 2),
        says: "Input 'x' element 2 is byte 2: BOOL needs 0 or 1.",
      },
    ],
    [
      'too few bytes for INT64',
      {
        datatype: 'INT64',
        shape: [2],
        data: new Uint8Array(8),
        says: "Input 'x' has 8 bytes of binary data but shape [2] of INT64 needs 16.",
      },
    ],
  ]

  it.each(malformed)('refuses %s with a 400 naming the input', async (_, { datatype, shape, data, says }) => {
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'x', datatype, shape, parameters: { binary_data_size: data.length } }] },
      [data],
    )
    const response = await fetch(`${server.url}/v2/models/id-${datatype.toLowerCase()}/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
      },
      body,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: says })
  })
})
