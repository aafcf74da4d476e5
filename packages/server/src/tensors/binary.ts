/**
 * The binary tensor data extension (`binary_tensor_data`, KServe / Triton): raw little-endian, row-major
 * tensor bytes after a JSON header. BOOL is one byte (0 or 1), FP16 the half bits, and each BYTES element
 * a 4-byte little-endian length followed by its bytes. Typed arrays use host byte order; every platform
 * that Node and ONNX Runtime ship for is little-endian.
 */
import { badRequest } from '../errors.js'
import type { Datatype, HostTensor, TensorMetadata } from '../runtime/types.js'
import { checkDeclared } from './codec.js'

type TypedArray = Exclude<HostTensor['data'], string[]>
type TypedArrayClass = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray
  BYTES_PER_ELEMENT: number
}

const arrays: Record<Exclude<Datatype, 'BYTES' | 'BF16'>, TypedArrayClass> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

/** The JSON header and the bytes after it, from a body and its `Inference-Header-Content-Length`. */
export function splitBody(body: Uint8Array, headerLength: string): { header: unknown; binary: Uint8Array } {
  const length = /^\d{1,15}$/.test(headerLength) ? Number(headerLength) : Number.NaN
  if (!(length >= 0 && length <= body.byteLength)) {
    throw badRequest(
      'invalid_header_length',
      `Inference-Header-Content-Length is ${JSON.stringify(headerLength.slice(0, 20))}; it must be the byte length of the JSON header, at most the body's ${body.byteLength} bytes.`,
    )
  }
  let header: unknown
  try {
    header = JSON.parse(utf8.decode(body.subarray(0, length)))
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'it is not UTF-8'
    throw badRequest(
      'invalid_json',
      `The JSON header (the first ${length} bytes) is not valid JSON: ${reason}.`,
    )
  }
  return { header, binary: body.subarray(length) }
}

/** Reads `binary_data_size` from a tensor's parameters; undefined when it is not there. */
export function binarySize(
  name: string,
  parameters: Record<string, unknown> | undefined,
): number | undefined {
  const size = parameters?.binary_data_size
  if (size === undefined) return undefined
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw badRequest(
      'invalid_parameter',
      `Input '${name}' parameter binary_data_size must be a byte count (a non-negative integer).`,
      'parameters',
    )
  }
  return size
}

/** Decodes one input's bytes after checking them against the model's declaration. */
export function decodeBinaryInput(
  input: { name: string; datatype: Datatype; shape: number[] },
  declared: TensorMetadata,
  bytes: Uint8Array,
  maxElements: number,
): HostTensor {
  const { name, datatype, shape } = input
  const count = checkDeclared(input, declared, maxElements)
  if (datatype === 'BYTES') return { datatype, shape, data: decodeStrings(name, bytes, count) }
  const ArrayClass = arrays[datatype as keyof typeof arrays]
  const need = count * ArrayClass.BYTES_PER_ELEMENT
  if (bytes.byteLength !== need) {
    throw badRequest(
      'invalid_data_length',
      `Input '${name}' has ${bytes.byteLength} bytes of binary data but shape [${shape}] of ${datatype} needs ${need}.`,
    )
  }
  // A view when the bytes are aligned for the element type; a copy otherwise.
  const aligned = bytes.byteOffset % ArrayClass.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice()
  const data = new ArrayClass(aligned.buffer, aligned.byteOffset, count)
  if (datatype === 'BOOL') {
    const at = (data as Uint8Array).findIndex((b) => b > 1)
    if (at !== -1) {
      throw badRequest(
        'invalid_data',
        `Input '${name}' element ${at} is byte ${(data as Uint8Array)[at]}: BOOL needs 0 or 1.`,
      )
    }
  }
  return { datatype, shape, data }
}

function decodeStrings(name: string, bytes: Uint8Array, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: string[] = []
  let offset = 0
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) {
      throw badRequest(
        'invalid_data',
        `Input '${name}' BYTES element ${out.length} has a cut-off length prefix.`,
      )
    }
    const length = view.getUint32(offset, true)
    offset += 4
    if (offset + length > bytes.byteLength) {
      throw badRequest(
        'invalid_data',
        `Input '${name}' BYTES element ${out.length} says ${length} bytes, but only ${bytes.byteLength - offset} remain.`,
      )
    }
    try {
      out.push(utf8.decode(bytes.subarray(offset, offset + length)))
    } catch {
      throw badRequest(
        'invalid_data',
        `Input '${name}' BYTES element ${out.length} is not UTF-8 text; ONNX Runtime for Node carries strings only.`,
      )
    }
    offset += length
  }
  if (out.length !== count) {
    throw badRequest(
      'invalid_data_length',
      `Input '${name}' has ${out.length} BYTES elements but its shape needs ${count}.`,
    )
  }
  return out
}

/** A tensor's raw bytes, as the extension lays them out. */
export function encodeBinary(tensor: HostTensor): Uint8Array {
  const { data } = tensor
  if (!Array.isArray(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const encoded = data.map((s) => encoder.encode(s))
  const out = new Uint8Array(encoded.reduce((n, e) => n + 4 + e.byteLength, 0))
  const view = new DataView(out.buffer)
  let offset = 0
  for (const e of encoded) {
    view.setUint32(offset, e.byteLength, true)
    out.set(e, offset + 4)
    offset += 4 + e.byteLength
  }
  return out
}

/** The JSON header followed by the binary parts: the body of a binary response. */
export function joinBody(header: unknown, parts: Uint8Array[]): { body: Uint8Array; headerLength: number } {
  const head = encoder.encode(JSON.stringify(header))
  const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, head.byteLength))
  body.set(head, 0)
  let offset = head.byteLength
  for (const part of parts) {
    body.set(part, offset)
    offset += part.byteLength
  }
  return { body, headerLength: head.byteLength }
}
