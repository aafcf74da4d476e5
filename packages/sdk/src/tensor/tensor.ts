/**
 * Tensors as typed arrays, and their JSON form in the Open Inference Protocol.
 */
import type { components } from '../generated/openapi.js'
import { fromFloat16Bits, toFloat16Bits } from './float16.js'

type Schemas = components['schemas']
export type Datatype = Schemas['Datatype']
export type RequestInput = Schemas['RequestInput']
export type ResponseOutput = Schemas['ResponseOutput']
export type TensorMetadata = Schemas['TensorMetadata']

/** The array each datatype comes back as. FP16 values are widened to a `Float32Array`. */
export interface DatatypeArrays {
  BOOL: boolean[]
  UINT8: Uint8Array
  UINT16: Uint16Array
  UINT32: Uint32Array
  UINT64: BigUint64Array
  INT8: Int8Array
  INT16: Int16Array
  INT32: Int32Array
  INT64: BigInt64Array
  FP16: Float32Array
  FP32: Float32Array
  FP64: Float64Array
  BYTES: string[]
  BF16: never
}

export type TensorArray = DatatypeArrays[keyof DatatypeArrays] | Uint16Array | number[]

/** A tensor: row-major `data`, its `shape` and its protocol `datatype`. */
export interface Tensor<D extends Datatype = Datatype> {
  datatype: D
  shape: number[]
  data: DatatypeArrays[D]
}

/**
 * What `infer()` accepts for one input: a bare array, or an array with its shape and datatype.
 * Missing shape or datatype are taken from the model's metadata.
 * FP16: pass values (`Float32Array` or `number[]`) or half bit patterns (`Uint16Array`).
 */
export type TensorInput = TensorArray | { data: TensorArray; shape?: number[]; datatype?: Datatype }

const arrayDatatypes: [abstract new (...args: never[]) => unknown, Datatype][] = [
  [Float32Array, 'FP32'],
  [Float64Array, 'FP64'],
  [Int8Array, 'INT8'],
  [Int16Array, 'INT16'],
  [Int32Array, 'INT32'],
  [BigInt64Array, 'INT64'],
  [Uint8Array, 'UINT8'],
  [Uint16Array, 'UINT16'],
  [Uint32Array, 'UINT32'],
  [BigUint64Array, 'UINT64'],
]

/** The datatype an array implies when nothing else says: typed arrays by class, `boolean[]`, `string[]`. */
export function datatypeOf(data: TensorArray): Datatype | undefined {
  for (const [Class, datatype] of arrayDatatypes) if (data instanceof Class) return datatype
  if (Array.isArray(data) && data.length > 0) {
    if (typeof data[0] === 'boolean') return 'BOOL'
    if (typeof data[0] === 'string') return 'BYTES'
  }
  return undefined
}

/** The shape for `length` elements given the model's declared shape, where at most one dimension is dynamic. */
export function inferShape(declared: number[], length: number): number[] | undefined {
  const dynamic = declared.filter((d) => d < 0).length
  const fixed = declared.reduce((n, d) => (d < 0 ? n : n * d), 1)
  if (dynamic === 0) return fixed === length ? declared : undefined
  if (dynamic > 1 || fixed === 0 || length % fixed !== 0) return undefined
  return declared.map((d) => (d < 0 ? length / fixed : d))
}

type JsonElement = number | string | boolean

function jsonFloat(value: number): number | string {
  if (Number.isFinite(value)) return value
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
}

function jsonInteger(value: bigint | number): number | string {
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : String(value)
}

/** The protocol's JSON form of `data` as `datatype`. Nothing is rounded: big integers become strings. */
export function toJsonData(data: TensorArray, datatype: Datatype): JsonElement[] {
  const out: JsonElement[] = new Array(data.length)
  for (let i = 0; i < data.length; i++) {
    const value = data[i] as number | bigint | boolean | string
    if (datatype === 'BOOL') out[i] = typeof value === 'boolean' ? value : value !== 0
    else if (datatype === 'BYTES') out[i] = String(value)
    else if (datatype === 'FP16' && data instanceof Uint16Array)
      out[i] = jsonFloat(fromFloat16Bits(value as number))
    else if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64')
      out[i] = jsonFloat(value as number)
    else out[i] = jsonInteger(value as number | bigint)
  }
  return out
}

function flatten(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data.flat(Number.POSITIVE_INFINITY) as unknown[]) : data
}

function floatOf(value: unknown): number {
  if (typeof value === 'number') return value
  if (value === 'NaN') return Number.NaN
  if (value === 'Infinity') return Number.POSITIVE_INFINITY
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY
  return Number(value)
}

/** A protocol output as a typed tensor. */
export function fromJsonOutput(output: ResponseOutput): Tensor {
  const values = flatten(output.data)
  const { datatype, shape } = output
  const numbers = () => values.map(floatOf)
  const integers = () => values.map((v) => BigInt(v as number | string))
  const data = (() => {
    switch (datatype) {
      case 'BOOL':
        return values.map((v) => v === true || v === 1)
      case 'BYTES':
        return values.map(String)
      case 'FP16':
      case 'FP32':
        return Float32Array.from(numbers())
      case 'FP64':
        return Float64Array.from(numbers())
      case 'INT8':
        return Int8Array.from(numbers())
      case 'INT16':
        return Int16Array.from(numbers())
      case 'INT32':
        return Int32Array.from(numbers())
      case 'INT64':
        return BigInt64Array.from(integers())
      case 'UINT8':
        return Uint8Array.from(numbers())
      case 'UINT16':
        return Uint16Array.from(numbers())
      case 'UINT32':
        return Uint32Array.from(numbers())
      case 'UINT64':
        return BigUint64Array.from(integers())
      default:
        throw new TypeError(
          `The server sent a tensor of datatype ${datatype}, which this SDK cannot represent.`,
        )
    }
  })()
  return { datatype, shape, data } as Tensor
}

export { fromFloat16Bits, toFloat16Bits }
