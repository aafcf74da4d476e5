import { describe, expect, it } from 'vitest'
import {
  type Datatype,
  datatypeOf,
  fromJsonOutput,
  inferShape,
  type ResponseOutput,
  type TensorArray,
  toJsonData,
} from '../src/tensor/tensor'

describe('datatypeOf', () => {
  const cases: [string, { given: TensorArray; want: Datatype | undefined }][] = [
    ['Float32Array', { given: new Float32Array(2), want: 'FP32' }],
    ['Float64Array', { given: new Float64Array(2), want: 'FP64' }],
    ['Int8Array', { given: new Int8Array(2), want: 'INT8' }],
    ['Int16Array', { given: new Int16Array(2), want: 'INT16' }],
    ['Int32Array', { given: new Int32Array(2), want: 'INT32' }],
    ['BigInt64Array', { given: new BigInt64Array(2), want: 'INT64' }],
    ['Uint8Array', { given: new Uint8Array(2), want: 'UINT8' }],
    ['Buffer (a Uint8Array)', { given: Buffer.from([1, 2]), want: 'UINT8' }],
    ['Uint16Array', { given: new Uint16Array(2), want: 'UINT16' }],
    ['Uint32Array', { given: new Uint32Array(2), want: 'UINT32' }],
    ['BigUint64Array', { given: new BigUint64Array(2), want: 'UINT64' }],
    ['empty typed array still has a class', { given: new Float32Array(0), want: 'FP32' }],
    ['boolean[]', { given: [true, false], want: 'BOOL' }],
    ['string[]', { given: ['a', 'b'], want: 'BYTES' }],
    ['number[] is ambiguous', { given: [1, 2], want: undefined }],
    ['empty array is ambiguous', { given: [], want: undefined }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(datatypeOf(given)).toBe(want)
  })
})

describe('inferShape', () => {
  const cases: [string, { given: { declared: number[]; length: number }; want: number[] | undefined }][] = [
    ['fixed shape that fits', { given: { declared: [2, 3], length: 6 }, want: [2, 3] }],
    ['fixed shape that does not fit', { given: { declared: [2, 3], length: 5 }, want: undefined }],
    ['scalar', { given: { declared: [], length: 1 }, want: [] }],
    ['scalar given two elements', { given: { declared: [], length: 2 }, want: undefined }],
    ['leading dynamic dimension', { given: { declared: [-1, 10], length: 30 }, want: [3, 10] }],
    ['dynamic dimension in the middle', { given: { declared: [2, -1, 3], length: 12 }, want: [2, 2, 3] }],
    ['only a dynamic dimension', { given: { declared: [-1], length: 7 }, want: [7] }],
    ['two dynamic dimensions', { given: { declared: [-1, -1], length: 4 }, want: undefined }],
    [
      'two dynamic dimensions around a fixed one',
      { given: { declared: [-1, 2, -1], length: 4 }, want: undefined },
    ],
    ['not divisible by the fixed part', { given: { declared: [-1, 10], length: 25 }, want: undefined }],
    ['fewer elements than one row', { given: { declared: [-1, 10], length: 3 }, want: undefined }],
    ['zero elements, dynamic batch', { given: { declared: [-1, 10], length: 0 }, want: [0, 10] }],
    ['zero elements, fixed zero-size shape', { given: { declared: [0, 3], length: 0 }, want: [0, 3] }],
    [
      'zero-size fixed part leaves the dynamic one open',
      { given: { declared: [0, -1], length: 0 }, want: undefined },
    ],
    ['zero-size fixed part with elements', { given: { declared: [0, -1], length: 5 }, want: undefined }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(inferShape(given.declared, given.length)).toEqual(want)
  })

  it('returns a copy of a fixed shape, never the metadata array itself', () => {
    const declared = [2, 3]
    const shape = inferShape(declared, 6)
    expect(shape).not.toBe(declared)
    shape?.push(1)
    expect(declared).toEqual([2, 3])
  })
})

describe('toJsonData', () => {
  const cases: [string, { given: { data: TensorArray; datatype: Datatype }; want: unknown[] }][] = [
    [
      'FP32 non-finite values become strings',
      {
        given: {
          data: Float32Array.of(1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
          datatype: 'FP32',
        },
        want: [1.5, 'NaN', 'Infinity', '-Infinity'],
      },
    ],
    [
      'FP64 number[] keeps full precision',
      { given: { data: [0.1, -0, Number.NaN], datatype: 'FP64' }, want: [0.1, -0, 'NaN'] },
    ],
    [
      'INT64 beyond 2^53 becomes an exact decimal string, safe values stay numbers',
      {
        given: {
          data: BigInt64Array.of(2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) - 1n, -5n, -(2n ** 63n)),
          datatype: 'INT64',
        },
        want: [9007199254740991, '9007199254740992', '-9007199254740993', -5, '-9223372036854775808'],
      },
    ],
    [
      'UINT64 maximum',
      {
        given: { data: BigUint64Array.of(0n, 2n ** 64n - 1n), datatype: 'UINT64' },
        want: [0, '18446744073709551615'],
      },
    ],
    [
      'INT32',
      {
        given: { data: Int32Array.of(-2147483648, 2147483647), datatype: 'INT32' },
        want: [-2147483648, 2147483647],
      },
    ],
    ['UINT8', { given: { data: Uint8Array.of(0, 255), datatype: 'UINT8' }, want: [0, 255] }],
    [
      'BOOL from a Uint8Array: any non-zero byte is true',
      { given: { data: Uint8Array.of(0, 1, 2, 255), datatype: 'BOOL' }, want: [false, true, true, true] },
    ],
    ['BOOL from boolean[]', { given: { data: [true, false], datatype: 'BOOL' }, want: [true, false] }],
    [
      'FP16 from Uint16Array bit patterns becomes numbers',
      {
        given: {
          data: Uint16Array.of(0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0xfc00, 0x7e00),
          datatype: 'FP16',
        },
        want: [1, -2, 0.333251953125, 2 ** -24, 'Infinity', '-Infinity', 'NaN'],
      },
    ],
    [
      'FP16 from a Float32Array is values, not bits',
      { given: { data: Float32Array.of(0.5, 15360), datatype: 'FP16' }, want: [0.5, 15360] },
    ],
    ['BYTES', { given: { data: ['a', 'héllo'], datatype: 'BYTES' }, want: ['a', 'héllo'] }],
    ['empty', { given: { data: new Float32Array(0), datatype: 'FP32' }, want: [] }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    const json = toJsonData(given.data, given.datatype)
    expect(Array.isArray(json)).toBe(true)
    expect(json).toStrictEqual(want)
  })

  const refused: [string, { given: { data: TensorArray; datatype: Datatype }; want: string }][] = [
    [
      'a fraction for INT8',
      {
        given: { data: [1.5], datatype: 'INT8' },
        want: "Input 'x': 1.5 is not a INT8 value (an integer in its range).",
      },
    ],
    [
      'Infinity for INT32',
      {
        given: { data: [Number.POSITIVE_INFINITY], datatype: 'INT32' },
        want: "Input 'x': Infinity is not a INT32 value",
      },
    ],
    [
      '2^32 for UINT32',
      { given: { data: [2 ** 32], datatype: 'UINT32' }, want: "Input 'x': 4294967296 is not a UINT32 value" },
    ],
    [
      '-129 from an Int16Array for INT8',
      { given: { data: Int16Array.of(-129), datatype: 'INT8' }, want: "Input 'x': -129 is not a INT8 value" },
    ],
    [
      '2^64 for UINT64',
      {
        given: { data: [2 ** 64], datatype: 'UINT64' },
        want: "Input 'x': 18446744073709552000 is not a UINT64 value",
      },
    ],
    [
      'a fraction for INT64',
      { given: { data: [0.5], datatype: 'INT64' }, want: "Input 'x': 0.5 is not a INT64 value" },
    ],
    [
      'BF16',
      {
        given: { data: [1], datatype: 'BF16' },
        want: "Input 'x': BF16 is not supported; send FP32 or FP16.",
      },
    ],
  ]
  it.each(refused)('refuses %s with a TypeError naming the input', (_, { given, want }) => {
    expect(() => toJsonData(given.data, given.datatype, 'x')).toThrow(TypeError)
    expect(() => toJsonData(given.data, given.datatype, 'x')).toThrow(want)
  })

  it('rounds FP16 values to the nearest half, as the binary path sends them', () => {
    expect(toJsonData([0.1, 1 / 3, 2049, 65519, 65520, -1e-8], 'FP16')).toEqual([
      0.0999755859375,
      0.333251953125,
      2048,
      65504,
      'Infinity',
      -0,
    ])
  })

  it('survives JSON.stringify without losing big integers', () => {
    const text = JSON.stringify(toJsonData(BigInt64Array.of(9007199254740993n), 'INT64'))
    expect(text).toBe('["9007199254740993"]')
  })
})

describe('fromJsonOutput', () => {
  type Want = { Class: abstract new (...args: never[]) => unknown; values: unknown[] }
  const cases: [string, { given: Omit<ResponseOutput, 'name'>; want: Want }][] = [
    [
      'BOOL from booleans and 0/1',
      {
        given: { datatype: 'BOOL', shape: [4], data: [true, false, 1, 0] },
        want: { Class: Array, values: [true, false, true, false] },
      },
    ],
    [
      'BYTES',
      {
        given: { datatype: 'BYTES', shape: [2], data: ['a', 'b'] },
        want: { Class: Array, values: ['a', 'b'] },
      },
    ],
    [
      'FP16 widens to Float32Array',
      {
        given: { datatype: 'FP16', shape: [3], data: [1, 0.333251953125, 'NaN'] },
        want: { Class: Float32Array, values: [1, 0.333251953125, Number.NaN] },
      },
    ],
    [
      'FP32 nested, with the non-finite strings',
      {
        given: {
          datatype: 'FP32',
          shape: [2, 2],
          data: [
            [1.5, 'Infinity'],
            ['-Infinity', 'NaN'],
          ],
        },
        want: {
          Class: Float32Array,
          values: [1.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN],
        },
      },
    ],
    [
      'FP64 keeps full precision',
      {
        given: { datatype: 'FP64', shape: [2], data: [0.1, 'NaN'] },
        want: { Class: Float64Array, values: [0.1, Number.NaN] },
      },
    ],
    [
      'INT8',
      {
        given: { datatype: 'INT8', shape: [2], data: [-128, 127] },
        want: { Class: Int8Array, values: [-128, 127] },
      },
    ],
    [
      'INT16',
      {
        given: { datatype: 'INT16', shape: [2], data: [-32768, 32767] },
        want: { Class: Int16Array, values: [-32768, 32767] },
      },
    ],
    [
      'INT32 nested three deep',
      {
        given: {
          datatype: 'INT32',
          shape: [2, 2, 1],
          data: [
            [[1], [2]],
            [[3], [-2147483648]],
          ],
        },
        want: { Class: Int32Array, values: [1, 2, 3, -2147483648] },
      },
    ],
    [
      'INT64 decimal strings beyond 2^53 are exact',
      {
        given: {
          datatype: 'INT64',
          shape: [4],
          data: ['9007199254740993', -1, '-9223372036854775808', '9223372036854775807'],
        },
        want: {
          Class: BigInt64Array,
          values: [9007199254740993n, -1n, -9223372036854775808n, 9223372036854775807n],
        },
      },
    ],
    [
      'UINT8',
      {
        given: { datatype: 'UINT8', shape: [2], data: [0, 255] },
        want: { Class: Uint8Array, values: [0, 255] },
      },
    ],
    [
      'UINT16',
      {
        given: { datatype: 'UINT16', shape: [2], data: [0, 65535] },
        want: { Class: Uint16Array, values: [0, 65535] },
      },
    ],
    [
      'UINT32',
      {
        given: { datatype: 'UINT32', shape: [1], data: [4294967295] },
        want: { Class: Uint32Array, values: [4294967295] },
      },
    ],
    [
      'UINT64 nested, exact',
      {
        given: { datatype: 'UINT64', shape: [1, 2], data: [['18446744073709551615', 3]] },
        want: { Class: BigUint64Array, values: [18446744073709551615n, 3n] },
      },
    ],
    [
      'empty',
      { given: { datatype: 'FP32', shape: [0, 3], data: [] }, want: { Class: Float32Array, values: [] } },
    ],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    const tensor = fromJsonOutput({ name: 'y', ...given })
    expect(tensor.datatype).toBe(given.datatype)
    expect(tensor.shape).toEqual(given.shape)
    expect(tensor.data).toBeInstanceOf(want.Class)
    // Array.from keeps NaN and -0 visible to toEqual; the class is checked above.
    expect(Array.from(tensor.data as ArrayLike<unknown>)).toEqual(want.values)
  })

  it('rejects BF16, which it cannot represent', () => {
    expect(() => fromJsonOutput({ name: 'y', datatype: 'BF16', shape: [1], data: [1] })).toThrow(
      /BF16.*cannot represent/,
    )
  })

  it('round-trips 64-bit extremes through toJsonData and JSON text', () => {
    const data = BigInt64Array.of(-(2n ** 63n), -(2n ** 53n) - 1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n)
    const wire = JSON.parse(JSON.stringify(toJsonData(data, 'INT64')))
    expect(fromJsonOutput({ name: 'y', datatype: 'INT64', shape: [5], data: wire }).data).toEqual(data)
  })

  it('round-trips non-finite floats through toJsonData and JSON text', () => {
    const data = Float64Array.of(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-310)
    const wire = JSON.parse(JSON.stringify(toJsonData(data, 'FP64')))
    expect(fromJsonOutput({ name: 'y', datatype: 'FP64', shape: [4], data: wire }).data).toEqual(data)
  })
})
