import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'
import { afterAll, describe, expect, it } from 'vitest'
import {
  BF16_CASE,
  DATATYPE_CASES,
  hasTestdata,
  type OipDatatype,
  readCase,
  readTensor,
  type Tensor,
} from './support/onnx-testdata.js'

const { onnx } = onnxProto
const DataType = onnx.TensorProto.DataType

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1)
  return items[0] as T
}

function pair(name: string): { a: Tensor; b: Tensor; out: Tensor } {
  const testCase = readCase(name)
  const [a, b] = testCase.inputs
  if (a === undefined || b === undefined) throw new Error(`${name} has fewer than two inputs`)
  return { a, b, out: only(testCase.outputs) }
}

describe.skipIf(!hasTestdata())('onnx testdata reader on libonnx-testdata', () => {
  it('reads test_add as FP32 whose output is the float32 sum', () => {
    const { a, b, out } = pair('test_add')
    expect([a.datatype, b.datatype, out.datatype]).toEqual(['FP32', 'FP32', 'FP32'])
    expect(out.shape).toEqual([3, 4, 5])
    expect(out.data).toEqual(a.data.map((x, i) => Math.fround(Number(x) + Number(b.data[i]))))
  })

  it('reads test_and2d as BOOL whose output is the logical and', () => {
    const { a, b, out } = pair('test_and2d')
    expect(out.datatype).toBe('BOOL')
    expect(new Set([...a.data, ...b.data, ...out.data])).toEqual(new Set([true, false]))
    expect(out.data).toEqual(a.data.map((x, i) => x && b.data[i]))
  })

  it('decodes FP16 output of a float cast to within half precision', () => {
    const testCase = readCase('test_cast_FLOAT_to_FLOAT16')
    const input = only(testCase.inputs)
    const output = only(testCase.outputs)
    expect(output.datatype).toBe('FP16')
    output.data.forEach((half, i) => {
      const float = Number(input.data[i])
      // Round to nearest leaves a relative error of at most 2^-11 for normal halves.
      expect(Math.abs(Number(half) - float)).toBeLessThanOrEqual(Math.abs(float) * 2 ** -11)
      expect(half).not.toBe(float)
    })
  })

  it('decodes FP16 input that widens to float32 unchanged', () => {
    const testCase = readCase('test_cast_FLOAT16_to_FLOAT')
    expect(only(testCase.inputs).datatype).toBe('FP16')
    expect(only(testCase.inputs).data).toEqual(only(testCase.outputs).data)
  })

  it('reads INT64 and UINT64 values as bigint', () => {
    const min = pair('test_min_int64')
    expect(min.out.data.every((v) => typeof v === 'bigint')).toBe(true)
    const [a, b] = [min.a.data as bigint[], min.b.data as bigint[]]
    expect(min.out.data).toEqual(a.map((x, i) => (x < (b[i] ?? x) ? x : b[i])))
    const shift = pair('test_bitshift_right_uint64')
    expect(shift.out.datatype).toBe('UINT64')
    expect(shift.out.data).toEqual(shift.a.data.map((x, i) => BigInt(x) >> BigInt(shift.b.data[i] ?? 0)))
  })

  it('reads signed INT16 values, negatives included', () => {
    const { a, b, out } = pair('test_mod_mixed_sign_int16')
    expect(a.data).toContain(-4)
    // ONNX Mod on integers takes the sign of the divisor, like Python's %.
    const mod = (x: number, y: number) => x - y * Math.floor(x / y)
    expect(out.data).toEqual(a.data.map((x, i) => mod(Number(x), Number(b.data[i]))))
  })

  it('reads STRING tensors as utf-8 strings', () => {
    const testCase = readCase('test_strnormalizer_nostopwords_nochangecase')
    expect(only(testCase.inputs)).toMatchObject({
      datatype: 'BYTES',
      shape: [2],
      data: ['monday', 'tuesday'],
    })
  })

  it('reads the BF16 case input as BF16 although the .pb stores UINT16 bits', () => {
    const testCase = readCase(BF16_CASE)
    const input = only(testCase.inputs)
    expect(input.datatype).toBe('BF16')
    expect(input.data).toEqual(only(testCase.outputs).data)
  })

  it.each(DATATYPE_CASES)('%s decodes with one value per element', (name) => {
    const testCase = readCase(name)
    for (const tensor of [...testCase.inputs, ...testCase.outputs]) {
      expect(tensor.data).toHaveLength(tensor.shape.reduce((count, dim) => count * dim, 1))
    }
  })

  it('DATATYPE_CASES carry every datatype but BF16 on the input side', () => {
    const seen = new Set(DATATYPE_CASES.flatMap((name) => readCase(name).inputs.map((t) => t.datatype)))
    const all: OipDatatype[] = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32']
    all.push('INT64', 'FP16', 'FP32', 'FP64', 'BYTES')
    expect([...seen].sort()).toEqual(all.sort())
  })
})

describe('onnx testdata reader on typed fields', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-testdata-reader-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function roundTrip(properties: Record<string, unknown>): Tensor {
    const file = join(dir, `${Object.keys(properties).join('-')}-${Math.random()}.pb`)
    const proto = onnx.TensorProto.fromObject({ name: 't', ...properties })
    writeFileSync(file, onnx.TensorProto.encode(proto).finish())
    return readTensor(file)
  }

  it('decodes FP16 bit patterns in int32_data, special values included', () => {
    const bits = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x8000, 0x7c00, 0xfc00]
    const tensor = roundTrip({ dataType: DataType.FLOAT16, dims: [bits.length], int32Data: bits })
    const subnormalMax = 1023 * 2 ** -24
    const expected = [1, -2, 2 ** -24, subnormalMax, 2 ** -14, 65504, -0, Infinity, -Infinity]
    expect(tensor).toEqual({ name: 't', datatype: 'FP16', shape: [9], data: expected })
    expect(roundTrip({ dataType: DataType.FLOAT16, dims: [1], int32Data: [0x7e00] }).data).toEqual([
      Number.NaN,
    ])
  })

  it('decodes FP16 raw_data as little-endian halves', () => {
    const rawData = Uint8Array.of(0x00, 0x3c, 0x55, 0x35)
    expect(roundTrip({ dataType: DataType.FLOAT16, dims: [2], rawData }).data).toEqual([1, 0.333251953125])
  })

  it('decodes 64 bit fields beyond 2^53 exactly', () => {
    const int64 = roundTrip({ dataType: DataType.INT64, dims: [2], int64Data: ['-9007199254740993', '7'] })
    expect(int64.data).toEqual([-9007199254740993n, 7n])
    const uint64 = roundTrip({ dataType: DataType.UINT64, dims: [1], uint64Data: ['18446744073709551615'] })
    expect(uint64.data).toEqual([18446744073709551615n])
    const rawData = new Uint8Array(new BigInt64Array([-(2n ** 63n)]).buffer)
    expect(roundTrip({ dataType: DataType.INT64, dims: [1], rawData }).data).toEqual([-(2n ** 63n)])
  })

  it.each<[string, Record<string, unknown>, OipDatatype, unknown[]]>([
    [
      'UINT32 in uint64_data',
      { dataType: DataType.UINT32, uint64Data: [4294967295] },
      'UINT32',
      [4294967295],
    ],
    ['BOOL in int32_data', { dataType: DataType.BOOL, int32Data: [1, 0] }, 'BOOL', [true, false]],
    ['INT8 in int32_data', { dataType: DataType.INT8, int32Data: [-128, 127] }, 'INT8', [-128, 127]],
    ['FP64 in double_data', { dataType: DataType.DOUBLE, doubleData: [0.1] }, 'FP64', [0.1]],
    ['FP32 in float_data', { dataType: DataType.FLOAT, floatData: [0.5] }, 'FP32', [0.5]],
    ['BF16 in int32_data', { dataType: DataType.BFLOAT16, int32Data: [0xbfc0] }, 'BF16', [-1.5]],
    [
      'BYTES in string_data',
      { dataType: DataType.STRING, stringData: [new TextEncoder().encode('héllo')] },
      'BYTES',
      ['héllo'],
    ],
  ])('decodes %s', (_label, properties, datatype, data) => {
    const tensor = roundTrip({ dims: [data.length], ...properties })
    expect(tensor).toMatchObject({ datatype, shape: [data.length], data })
  })

  it('treats no dims as a scalar and rejects a count that does not fit the shape', () => {
    expect(roundTrip({ dataType: DataType.INT32, int32Data: [5] })).toMatchObject({ shape: [], data: [5] })
    expect(() => roundTrip({ dataType: DataType.INT32, dims: [2], int32Data: [5] })).toThrow(/1 values/)
  })
})
