import type { onnx as OnnxTypes } from 'onnx-proto'
import onnxProto from 'onnx-proto'

// onnx-proto is CommonJS ending in `module.exports = $root`; Node's ESM loader only exposes it as default.
const { onnx } = onnxProto

/** ONNX tensor element types (TensorProto.DataType), e.g. `DataType.FLOAT`. */
export const DataType = onnx.TensorProto.DataType
export type DataType = OnnxTypes.TensorProto.DataType

/** A number is a fixed dimension; a string is a symbolic one (dim_param), e.g. 'batch'. */
export type Dim = number | string

export interface ValueInfoSpec {
  name: string
  elemType: DataType
  shape: Dim[]
}

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array

export interface InitializerSpec {
  name: string
  elemType: DataType
  dims: number[]
  data: TensorData
}

// Tagged rather than inferred from the JS value: `1` could legitimately be an INT or a FLOAT attribute.
export type AttributeSpec =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: number[] }
  | { ints: number[] }

export interface NodeSpec {
  opType: string
  inputs: string[]
  outputs: string[]
  name?: string
  attributes?: Record<string, AttributeSpec>
}

export interface ModelSpec {
  graphName: string
  inputs: ValueInfoSpec[]
  outputs: ValueInfoSpec[]
  initializers?: InitializerSpec[]
  nodes: NodeSpec[]
  producerName?: string
  docString?: string
}

// onnxruntime-node 1.30 accepts IR <= 13 and opset <= 26; pinning these keeps the bytes stable across upgrades.
export const IR_VERSION = 8
export const OPSET_VERSION = 17

// raw_data must hold exactly the bytes ONNX expects for the declared element type.
const ARRAY_FOR_TYPE: Partial<Record<DataType, new (length: number) => TensorData>> = {
  [DataType.FLOAT]: Float32Array,
  [DataType.DOUBLE]: Float64Array,
  [DataType.INT32]: Int32Array,
  [DataType.INT64]: BigInt64Array,
  [DataType.INT8]: Int8Array,
  [DataType.UINT8]: Uint8Array,
  [DataType.BOOL]: Uint8Array,
}

// ONNX raw_data is little-endian and typed arrays use host order; refuse rather than write a wrong model.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function valueInfo({ name, elemType, shape }: ValueInfoSpec): OnnxTypes.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType, shape: { dim } } } }
}

function initializer({ name, elemType, dims, data }: InitializerSpec): OnnxTypes.ITensorProto {
  const expected = ARRAY_FOR_TYPE[elemType]
  if (!expected || !(data instanceof expected)) {
    throw new Error(`initializer ${name}: data does not match element type ${DataType[elemType]}`)
  }
  const count = dims.reduce((a, b) => a * b, 1)
  if (data.length !== count) {
    throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(', ')}]`)
  }
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('onnx-writer requires a little-endian host')
  // Copy so the encoded model never aliases (or leaks the rest of) a shared ArrayBuffer.
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
  return { name, dataType: elemType, dims, rawData }
}

function attribute(name: string, spec: AttributeSpec): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType
  if ('f' in spec) return { name, type: T.FLOAT, f: spec.f }
  if ('i' in spec) return { name, type: T.INT, i: spec.i }
  if ('s' in spec) return { name, type: T.STRING, s: new TextEncoder().encode(spec.s) }
  if ('floats' in spec) return { name, type: T.FLOATS, floats: spec.floats }
  return { name, type: T.INTS, ints: spec.ints }
}

function node(spec: NodeSpec, index: number): OnnxTypes.INodeProto {
  return {
    name: spec.name ?? `${spec.opType}_${index}`,
    opType: spec.opType,
    input: spec.inputs,
    output: spec.outputs,
    attribute: Object.entries(spec.attributes ?? {}).map(([name, a]) => attribute(name, a)),
  }
}

/** Serialises a single-graph ONNX model (IR 8, default-domain opset 17). Output is deterministic. */
export function writeModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: spec.producerName ?? 'modelport',
    docString: spec.docString ?? null,
    graph: {
      name: spec.graphName,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(initializer),
      node: spec.nodes.map(node),
    },
  })
  return onnx.ModelProto.encode(model).finish()
}

/** Decodes ONNX bytes, e.g. to inspect a written model in tests. */
export function readModel(bytes: Uint8Array): OnnxTypes.ModelProto {
  return onnx.ModelProto.decode(bytes)
}
