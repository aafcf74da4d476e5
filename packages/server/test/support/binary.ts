/**
 * The binary tensor data extension's wire format, written independently of the server's codec from the
 * specification: little-endian, row-major; BOOL one byte; FP16 half bits; BYTES a 4-byte length + bytes.
 */
import type { OipDatatype, TensorValue } from './onnx-testdata.js'

const sizes: Record<Exclude<OipDatatype, 'BYTES' | 'BF16'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
}

/** FP16 values here are half bit patterns (numbers), as the caller chooses to compare them. */
export function toBytes(datatype: OipDatatype, values: TensorValue[]): Uint8Array {
  if (datatype === 'BYTES') {
    const parts = values.map((v) => new TextEncoder().encode(String(v)))
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0))
    const view = new DataView(out.buffer)
    let at = 0
    for (const p of parts) {
      view.setUint32(at, p.length, true)
      out.set(p, at + 4)
      at += 4 + p.length
    }
    return out
  }
  const size = sizes[datatype as keyof typeof sizes]
  const out = new Uint8Array(values.length * size)
  const view = new DataView(out.buffer)
  const write: Record<keyof typeof sizes, (at: number, v: TensorValue) => void> = {
    BOOL: (at, v) => view.setUint8(at, v ? 1 : 0),
    UINT8: (at, v) => view.setUint8(at, Number(v)),
    INT8: (at, v) => view.setInt8(at, Number(v)),
    UINT16: (at, v) => view.setUint16(at, Number(v), true),
    FP16: (at, v) => view.setUint16(at, Number(v), true),
    INT16: (at, v) => view.setInt16(at, Number(v), true),
    UINT32: (at, v) => view.setUint32(at, Number(v), true),
    INT32: (at, v) => view.setInt32(at, Number(v), true),
    FP32: (at, v) => view.setFloat32(at, Number(v), true),
    FP64: (at, v) => view.setFloat64(at, Number(v), true),
    UINT64: (at, v) => view.setBigUint64(at, BigInt(v), true),
    INT64: (at, v) => view.setBigInt64(at, BigInt(v), true),
  }
  const set = write[datatype as keyof typeof sizes]
  for (let i = 0; i < values.length; i++) set(i * size, values[i] as TensorValue)
  return out
}

export function fromBytes(datatype: OipDatatype, bytes: Uint8Array): TensorValue[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (datatype === 'BYTES') {
    const out: string[] = []
    for (let at = 0; at < bytes.length; ) {
      const n = view.getUint32(at, true)
      out.push(new TextDecoder().decode(bytes.subarray(at + 4, at + 4 + n)))
      at += 4 + n
    }
    return out
  }
  const size = sizes[datatype as keyof typeof sizes]
  return Array.from({ length: bytes.length / size }, (_, i): TensorValue => {
    const at = i * size
    switch (datatype) {
      case 'BOOL':
        return view.getUint8(at) === 1
      case 'UINT8':
        return view.getUint8(at)
      case 'INT8':
        return view.getInt8(at)
      case 'UINT16':
      case 'FP16':
        return view.getUint16(at, true)
      case 'INT16':
        return view.getInt16(at, true)
      case 'UINT32':
        return view.getUint32(at, true)
      case 'INT32':
        return view.getInt32(at, true)
      case 'FP32':
        return view.getFloat32(at, true)
      case 'FP64':
        return view.getFloat64(at, true)
      case 'UINT64':
        return view.getBigUint64(at, true)
      default:
        return view.getBigInt64(at, true)
    }
  })
}

/** A binary request body: the JSON header, then the parts; and the header's length. */
export function binaryBody(
  header: unknown,
  parts: Uint8Array[],
): { body: Uint8Array<ArrayBuffer>; headerLength: number } {
  const head = new TextEncoder().encode(JSON.stringify(header))
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, head.length))
  body.set(head)
  let at = head.length
  for (const p of parts) {
    body.set(p, at)
    at += p.length
  }
  return { body, headerLength: head.length }
}

/** Splits a binary response into its JSON header and the bytes after it. */
export async function readBinaryResponse(
  response: Response,
): Promise<{ header: Record<string, unknown>; binary: Uint8Array }> {
  const bytes = new Uint8Array(await response.arrayBuffer())
  const length = Number(response.headers.get('inference-header-content-length'))
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(0, length))),
    binary: bytes.subarray(length),
  }
}
