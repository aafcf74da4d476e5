/**
 * The binary tensor data extension of the Open Inference Protocol: tensors as raw little-endian,
 * row-major bytes after a JSON header. BOOL is one byte per element, FP16 its half bits, BYTES each
 * element as a 4-byte little-endian length and its UTF-8 bytes. The server reads and writes the same
 * layout with the exported functions here, adding its own checks around them.
 */
import { fromFloat16Bits } from './float16.js'
import {
  arrayClass,
  type Datatype,
  elementEncoder,
  type TensorArray,
  type TypedArray,
  type TypedArrayClass,
} from './tensor.js'

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** `bytes` with each `size`-byte element turned between little-endian and the host's order, in place. */
function hostOrder(bytes: Uint8Array, size: number): Uint8Array {
  if (!hostIsLittleEndian) for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse()
  return bytes
}

/** The typed array class a fixed-size datatype travels in (BOOL as bytes, FP16 as half bits); none for BYTES and BF16. */
export const binaryArrayClass = (datatype: Datatype): TypedArrayClass | undefined =>
  datatype === 'BOOL' ? Uint8Array : datatype === 'FP16' ? Uint16Array : arrayClass(datatype)

/** A typed array's elements as the extension's little-endian bytes: a view of them, not a copy, on little-endian hosts. */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return hostIsLittleEndian ? bytes : hostOrder(bytes.slice(), data.BYTES_PER_ELEMENT)
}

/**
 * Little-endian `bytes`, a whole number of elements, as a `Class` array: a view of them when they are
 * aligned for it, else a copy.
 */
export function fromLittleEndianBytes(bytes: Uint8Array, Class: TypedArrayClass): TypedArray {
  const size = Class.BYTES_PER_ELEMENT
  const own = hostIsLittleEndian && bytes.byteOffset % size === 0 ? bytes : hostOrder(bytes.slice(), size)
  return new Class(own.buffer, own.byteOffset, own.length / size)
}

/** The parts one after another, each after its 4-byte little-endian length when `prefixed`. */
function concat(parts: Uint8Array[], prefixed: boolean): Uint8Array<ArrayBuffer> {
  const prefix = prefixed ? 4 : 0
  const out = new Uint8Array(parts.reduce((n, p) => n + prefix + p.length, 0))
  const view = new DataView(out.buffer)
  let offset = 0
  for (const part of parts) {
    if (prefixed) view.setUint32(offset, part.length, true)
    out.set(part, offset + prefix)
    offset += prefix + part.length
  }
  return out
}

/** BYTES data: each string as a 4-byte little-endian length and its UTF-8 bytes. */
export function encodeBinaryStrings(strings: ArrayLike<string>): Uint8Array<ArrayBuffer> {
  const utf8 = new TextEncoder()
  return concat(
    Array.from(strings, (s) => utf8.encode(s)),
    true,
  )
}

/**
 * The strings of BYTES data, each read by `decode` from the bytes after its 4-byte little-endian length.
 * `invalid` is called, with the element's index, for a length prefix cut off by the end of `bytes`, or
 * (with `length` and the bytes `left` after the prefix) for one that says more bytes than remain.
 */
export function decodeBinaryStrings(
  bytes: Uint8Array,
  decode: (utf8: Uint8Array, element: number) => string,
  invalid: (element: number, length?: number, left?: number) => never,
): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const strings: string[] = []
  for (let offset = 0; offset < bytes.length; ) {
    const start = offset + 4
    if (start > bytes.length) invalid(strings.length)
    const length = view.getUint32(offset, true)
    if (start + length > bytes.length) invalid(strings.length, length, bytes.length - start)
    strings.push(decode(bytes.subarray(start, start + length), strings.length))
    offset = start + length
  }
  return strings
}

/** A binary body: the JSON `header`, then the parts; and the header's byte length, for `Inference-Header-Content-Length`. */
export function joinBinaryBody(
  header: unknown,
  parts: Uint8Array[],
): { body: Uint8Array<ArrayBuffer>; headerLength: number } {
  const head = new TextEncoder().encode(JSON.stringify(header))
  return { body: concat([head, ...parts], false), headerLength: head.length }
}

/** `data` as the extension's bytes for `datatype`. A typed array of that datatype is viewed, not copied. */
export function toBinary(data: TensorArray, datatype: Datatype, name: string): Uint8Array {
  const encode = elementEncoder(data, datatype, name)
  const Class = binaryArrayClass(datatype)
  // BYTES (anything else without a class has failed in `elementEncoder`).
  if (!Class) return encodeBinaryStrings(Array.from(data as ArrayLike<unknown>, encode) as string[])
  // BOOL bytes are encoded anew: the extension wants 1 for true, whatever non-zero byte was given.
  return littleEndianBytes(data instanceof Class && datatype !== 'BOOL' ? data : Class.from(data, encode))
}

/** Tensor data from the extension's bytes: the same arrays JSON outputs decode to. */
export function fromBinary(bytes: Uint8Array, datatype: Datatype, count: number): ArrayLike<unknown> {
  const misfit = (): never => {
    throw new RangeError(`${datatype} output of ${bytes.length} bytes does not fit its shape`)
  }
  const Class = binaryArrayClass(datatype)
  let data: ArrayLike<unknown> = []
  if (datatype === 'BYTES') {
    const utf8 = new TextDecoder()
    data = decodeBinaryStrings(bytes, (encoded) => utf8.decode(encoded), misfit)
  } else if (Class && bytes.length === count * Class.BYTES_PER_ELEMENT) {
    // A copy: the result owns its buffer instead of holding on to the whole response.
    const values = fromLittleEndianBytes(bytes.slice(), Class) as ArrayLike<number>
    data =
      datatype === 'BOOL'
        ? Array.from(values, (b) => b !== 0)
        : datatype === 'FP16'
          ? Float32Array.from(values, fromFloat16Bits)
          : values
  }
  if (data.length !== count) misfit()
  return data
}
