/**
 * The binary tensor data extension of the Open Inference Protocol: tensors as raw little-endian,
 * row-major bytes after a JSON header. BOOL is one byte per element, FP16 its half bits, BYTES each
 * element as a 4-byte little-endian length and its UTF-8 bytes.
 */
import { fromFloat16Bits } from './float16.js'
import { arrayClass, type Datatype, elementEncoder, type TensorArray } from './tensor.js'

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** The typed array that holds a fixed-size datatype's elements as they travel. */
const storage = (datatype: Datatype) =>
  datatype === 'BOOL' ? Uint8Array : datatype === 'FP16' ? Uint16Array : arrayClass(datatype)

/** `data` as the extension's bytes for `datatype`. A typed array of that datatype is viewed, not copied. */
export function toBinary(data: TensorArray, datatype: Datatype, name: string): Uint8Array {
  const encode = elementEncoder(data, datatype, name)
  const Class = storage(datatype)
  if (!Class) {
    // BYTES (anything else has failed in `elementEncoder`).
    const utf8 = new TextEncoder()
    const strings = Array.from(data as ArrayLike<unknown>, (v) => utf8.encode(encode(v) as string))
    const out = new Uint8Array(strings.reduce((n, s) => n + 4 + s.length, 0))
    const view = new DataView(out.buffer)
    let offset = 0
    for (const s of strings) {
      view.setUint32(offset, s.length, true)
      out.set(s, offset + 4)
      offset += 4 + s.length
    }
    return out
  }
  if (hostIsLittleEndian && data instanceof Class && datatype !== 'BOOL')
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const size = Class.BYTES_PER_ELEMENT
  const view = new DataView(new ArrayBuffer(data.length * size))
  const set = view[`set${Class.name.slice(0, -5)}` as 'setUint8'] as (...args: unknown[]) => void
  for (let i = 0; i < data.length; i++) {
    const value = encode(data[i])
    set.call(view, i * size, typeof value === 'boolean' ? +value : value, true)
  }
  return new Uint8Array(view.buffer)
}

/** Tensor data from the extension's bytes: the same arrays JSON outputs decode to. */
export function fromBinary(bytes: Uint8Array, datatype: Datatype, count: number): ArrayLike<unknown> {
  const Class = storage(datatype)
  let data: ArrayLike<unknown> = []
  if (datatype === 'BYTES') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const utf8 = new TextDecoder()
    const strings: string[] = []
    for (let offset = 0; offset + 4 <= bytes.length; ) {
      const end = offset + 4 + view.getUint32(offset, true)
      strings.push(utf8.decode(bytes.subarray(offset + 4, end)))
      offset = end
      if (end >= bytes.length) data = end === bytes.length ? strings : []
    }
  } else if (Class && bytes.length === count * Class.BYTES_PER_ELEMENT) {
    // A copy: the result owns an aligned buffer, and the host's byte order can be fixed in place.
    const copy = bytes.slice()
    const size = Class.BYTES_PER_ELEMENT
    if (!hostIsLittleEndian) for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse()
    const values = new Class(copy.buffer) as ArrayLike<number>
    data =
      datatype === 'BOOL'
        ? Array.from(values, (b) => b !== 0)
        : datatype === 'FP16'
          ? Float32Array.from(values, fromFloat16Bits)
          : values
  }
  if (data.length !== count)
    throw new RangeError(`${datatype} output of ${bytes.length} bytes does not fit its shape`)
  return data
}
