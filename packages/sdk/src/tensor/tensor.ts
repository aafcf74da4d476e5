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

type JsonElement = number | string | boolean

/** A tensor: row-major `data`, its `shape` and its protocol `datatype`. */
export interface Tensor<D extends Datatype = Datatype, Shape extends number[] = number[]> {
  datatype: D
  shape: Shape
  data: DatatypeArrays[D]
}

/** The arrays an input of each datatype may be given as. */
export interface DatatypeInputs {
  BOOL: boolean[] | Uint8Array
  UINT8: Uint8Array | number[]
  UINT16: Uint16Array | number[]
  UINT32: Uint32Array | number[]
  UINT64: BigUint64Array | number[]
  INT8: Int8Array | number[]
  INT16: Int16Array | number[]
  INT32: Int32Array | number[]
  INT64: BigInt64Array | number[]
  /** Values, or half bit patterns in a `Uint16Array`. */
  FP16: Float32Array | Uint16Array | number[]
  FP32: Float32Array | number[]
  FP64: Float64Array | number[]
  BYTES: string[]
  BF16: never
}

/**
 * What `infer()` accepts for one input: a bare array, or an array with its shape and datatype.
 * Missing shape or datatype are taken from the model's metadata.
 * FP16: pass values (`Float32Array` or `number[]`) or half bit patterns (`Uint16Array`).
 */
export type TensorInput = TensorArray | { data: TensorArray; shape?: number[]; datatype?: Datatype }

/** The typed arrays that hold fixed-size elements. */
export type TypedArray = Exclude<DatatypeArrays[keyof DatatypeArrays], boolean[] | string[]>

/** A typed array class, as far as tensors use it. */
export interface TypedArrayClass {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray
  readonly BYTES_PER_ELEMENT: number
  from(values: ArrayLike<unknown>, map: (value: unknown) => unknown): TypedArray
}

/** The typed array class of each fixed-size numeric datatype. */
export const arrayDatatypes: [TypedArrayClass, Datatype][] = [
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

/** The typed array class that holds `datatype`, if it is a fixed-size numeric one (FP16 aside). */
export const arrayClass = (datatype: Datatype) => arrayDatatypes.find(([, d]) => d === datatype)?.[0]

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
  if (dynamic === 0) return fixed === length ? [...declared] : undefined
  if (dynamic > 1 || fixed === 0 || length % fixed !== 0) return undefined
  return declared.map((d) => (d < 0 ? length / fixed : d))
}

/** One element as its datatype carries it; FP16 as its half bits. */
export type Element = number | bigint | boolean | string

/**
 * A function turning each element of `data` into what `datatype` carries, checking that integers are
 * integers in range (nothing is truncated or wrapped) and rounding FP16 values to the nearest half, so
 * JSON and binary requests carry the same bits. Errors name the input.
 */
export function elementEncoder(
  data: TensorArray,
  datatype: Datatype,
  name: string,
): (value: unknown) => Element {
  if (datatype === 'BOOL') return (v) => (typeof v === 'boolean' ? v : v !== 0)
  if (datatype === 'BYTES') return String
  if (datatype === 'FP16') return data instanceof Uint16Array ? Number : (v) => toFloat16Bits(Number(v))
  if (datatype[0] === 'F') return Number
  const Class = arrayClass(datatype)
  if (!Class) throw new TypeError(`Input '${name}': ${datatype} is not supported; send FP32 or FP16.`)
  const probe = new Class(new ArrayBuffer(8)) as unknown as unknown[]
  const wide = datatype.endsWith('64')
  return (v) => {
    // Stored and read back, a value that is not an integer in the datatype's range comes back different.
    const value = !wide ? Number(v) : typeof v !== 'bigint' && Number.isInteger(v) ? BigInt(v as number) : v
    try {
      probe[0] = value
    } catch {}
    if (probe[0] === value) return value as number | bigint
    throw new TypeError(`Input '${name}': ${v} is not a ${datatype} value (an integer in its range).`)
  }
}

function jsonFloat(value: number): number | string {
  if (Number.isFinite(value)) return value
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
}

/**
 * The protocol's JSON form of `data` as `datatype`. Big integers become decimal strings and non-finite
 * floats `"NaN"`/`"Infinity"`/`"-Infinity"`; a non-integer or out-of-range integer throws a `TypeError`.
 */
export function toJsonData(data: TensorArray, datatype: Datatype, name = 'tensor'): JsonElement[] {
  const encode = elementEncoder(data, datatype, name)
  const out: JsonElement[] = new Array(data.length)
  for (let i = 0; i < data.length; i++) {
    const value = encode(data[i])
    if (typeof value === 'bigint')
      out[i] = Number.isSafeInteger(Number(value)) ? Number(value) : String(value)
    else if (datatype === 'FP16') out[i] = jsonFloat(fromFloat16Bits(value as number))
    else out[i] = typeof value === 'number' ? jsonFloat(value) : value
  }
  return out
}

/** A protocol output as a typed tensor. */
export function fromJsonOutput(output: ResponseOutput): Tensor {
  // `flat(Infinity)` costs microseconds even on a flat array: most outputs are.
  const values = (output.data.some(Array.isArray) ? output.data.flat(Infinity) : output.data) as unknown[]
  const { datatype, shape } = output
  let data: unknown
  if (datatype === 'BOOL') data = values.map((v) => v === true || v === 1)
  else if (datatype === 'BYTES') data = values.map(String)
  else {
    const Class = (datatype === 'FP16' ? Float32Array : arrayClass(datatype)) as
      | { from(values: unknown[], map?: (value: never) => unknown): unknown }
      | undefined
    if (!Class)
      throw new TypeError(
        `The server sent a tensor of datatype ${datatype}, which this SDK cannot represent.`,
      )
    // Typed arrays read "NaN", "Infinity" and decimal strings themselves; 64-bit integers need BigInt.
    data = datatype.endsWith('64') && datatype !== 'FP64' ? Class.from(values, BigInt) : Class.from(values)
  }
  return { datatype, shape, data } as Tensor
}

export { fromFloat16Bits, toFloat16Bits }
