/**
 * A fake Open Inference Protocol server that implements the binary tensor data extension on its own
 * (Node's Buffer, not the SDK's codec): every input comes back as output `<name>_out`, and FP32 `x` also
 * as `y` = 2x. Binary outputs when asked for with `binary_data_output`.
 */
import type { ServerResponse } from 'node:http'
import { json, type Recorded, serve } from './serve'

interface WireTensor {
  name: string
  datatype: string
  shape: number[]
  parameters?: Record<string, unknown>
  data?: unknown[]
}

const sizes: Record<string, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  FP16: 2,
  INT16: 2,
  UINT16: 2,
  FP32: 4,
  INT32: 4,
  UINT32: 4,
  FP64: 8,
  INT64: 8,
  UINT64: 8,
}

function decodeInput(bytes: Buffer, datatype: string): unknown[] {
  const out: unknown[] = []
  if (datatype === 'BYTES') {
    for (let at = 0; at < bytes.length; ) {
      const length = bytes.readUInt32LE(at)
      out.push(bytes.subarray(at + 4, at + 4 + length).toString('utf8'))
      at += 4 + length
    }
    return out
  }
  const size = sizes[datatype] ?? 0
  for (let at = 0; at < bytes.length; at += size) {
    const read: Record<string, () => unknown> = {
      BOOL: () => bytes.readUInt8(at) === 1,
      UINT8: () => bytes.readUInt8(at),
      INT8: () => bytes.readInt8(at),
      FP16: () => bytes.readUInt16LE(at), // bits, echoed as bits
      INT16: () => bytes.readInt16LE(at),
      UINT16: () => bytes.readUInt16LE(at),
      FP32: () => bytes.readFloatLE(at),
      INT32: () => bytes.readInt32LE(at),
      UINT32: () => bytes.readUInt32LE(at),
      FP64: () => bytes.readDoubleLE(at),
      INT64: () => bytes.readBigInt64LE(at),
      UINT64: () => bytes.readBigUInt64LE(at),
    }
    out.push(read[datatype]?.())
  }
  return out
}

function encodeOutput(values: unknown[], datatype: string): Buffer {
  if (datatype === 'BYTES')
    return Buffer.concat(
      values.flatMap((v) => {
        const text = Buffer.from(String(v), 'utf8')
        const length = Buffer.alloc(4)
        length.writeUInt32LE(text.length)
        return [length, text]
      }),
    )
  const size = sizes[datatype] ?? 0
  const out = Buffer.alloc(values.length * size)
  values.forEach((v, i) => {
    const at = i * size
    const write: Record<string, () => unknown> = {
      BOOL: () => out.writeUInt8(v ? 1 : 0, at),
      UINT8: () => out.writeUInt8(v as number, at),
      INT8: () => out.writeInt8(v as number, at),
      FP16: () => out.writeUInt16LE(v as number, at),
      INT16: () => out.writeInt16LE(v as number, at),
      UINT16: () => out.writeUInt16LE(v as number, at),
      FP32: () => out.writeFloatLE(v as number, at),
      INT32: () => out.writeInt32LE(v as number, at),
      UINT32: () => out.writeUInt32LE(v as number, at),
      FP64: () => out.writeDoubleLE(v as number, at),
      INT64: () => out.writeBigInt64LE(v as bigint, at),
      UINT64: () => out.writeBigUInt64LE(v as bigint, at),
    }
    write[datatype]?.()
  })
  return out
}

/** JSON form of decoded values (for a JSON output): big integers as decimal strings. */
const jsonValues = (values: unknown[]) => values.map((v) => (typeof v === 'bigint' ? String(v) : v))

export interface FakeOptions {
  extensions?: string[]
  /** Answer this output as JSON even in a binary response. */
  jsonOutput?: string
  /** Cut the binary body short by this many bytes. */
  truncate?: number
  metadataStatus?: number
}

/** The fake's request handler, to compose into other fakes. */
export function oipHandler(options: FakeOptions = {}) {
  return (req: Recorded, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/v2') {
      if (options.metadataStatus) return json(res, options.metadataStatus, { error: 'down' })
      return json(res, 200, {
        name: 'fake',
        version: '1',
        extensions: options.extensions ?? ['binary_tensor_data'],
      })
    }
    const headerLength = req.headers['inference-header-content-length']
    let header: { inputs: WireTensor[]; parameters?: Record<string, unknown>; id?: string }
    const inputs: { tensor: WireTensor; values: unknown[] }[] = []
    if (headerLength !== undefined) {
      const length = Number(headerLength)
      header = JSON.parse(req.bytes.subarray(0, length).toString('utf8'))
      let at = length
      for (const tensor of header.inputs) {
        const size = Number(tensor.parameters?.binary_data_size)
        inputs.push({ tensor, values: decodeInput(req.bytes.subarray(at, at + size), tensor.datatype) })
        at += size
      }
    } else {
      header = JSON.parse(req.body)
      for (const tensor of header.inputs)
        inputs.push({ tensor, values: (tensor.data ?? []).flat(Number.POSITIVE_INFINITY) })
    }
    const outputs = inputs.map(({ tensor, values }) => ({
      name: `${tensor.name}_out`,
      datatype: tensor.datatype,
      shape: tensor.shape,
      values,
    }))
    const x = inputs.find((i) => i.tensor.name === 'x' && i.tensor.datatype === 'FP32')
    if (x)
      outputs.push({
        name: 'y',
        datatype: 'FP32',
        shape: x.tensor.shape,
        values: x.values.map((v) => Number(v) * 2),
      })

    if (!header.parameters?.binary_data_output) {
      return json(res, 200, {
        model_name: 'm',
        outputs: outputs.map(({ values, ...o }) => ({ ...o, data: jsonValues(values) })),
      })
    }
    const parts: Buffer[] = []
    const described = outputs.map(({ values, ...o }) => {
      if (o.name === options.jsonOutput) return { ...o, data: jsonValues(values) }
      const bytes = encodeOutput(values, o.datatype)
      parts.push(bytes)
      return { ...o, parameters: { binary_data_size: bytes.length } }
    })
    const head = Buffer.from(JSON.stringify({ model_name: 'm', id: header.id, outputs: described }), 'utf8')
    const body = Buffer.concat([head, ...parts])
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(head.length),
    })
    res.end(body.subarray(0, body.length - (options.truncate ?? 0)))
  }
}

export const fakeOip = (options: FakeOptions = {}) => serve(oipHandler(options))
