import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
// onnx-proto is CommonJS assigning module.exports, so Node exposes no named ESM exports.
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto'

const { onnx } = onnxProto

export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES'
  | 'BF16'

export type TensorValue = number | boolean | string | bigint

export interface Tensor {
  name: string
  datatype: OipDatatype
  shape: number[]
  data: TensorValue[]
}

export interface TestCase {
  name: string
  modelPath: string
  inputs: Tensor[]
  outputs: Tensor[]
}

/** Debian's libonnx-testdata (ONNX 1.12 backend node tests). */
export const TESTDATA_ROOT = '/usr/share/libonnx-testdata/data/node'

/**
 * Small cases that together carry every OIP datatype except BF16, each on the input side.
 * All were run through onnxruntime-node 1.30 and reproduce the expected outputs bit for bit,
 * and none holds NaN or infinity (JSON cannot carry them). Not used, and why:
 * min/max/bitshift for 16 bit ints (ORT has no kernel), the other StringNormalizer cases (need
 * the en_US.UTF-8 locale), Cast FLOAT->STRING (ORT prints more digits), STRING->FLOAT (NaN/inf).
 */
export const DATATYPE_CASES: readonly string[] = [
  'test_and2d', // BOOL
  'test_add', // FP32
  'test_bitshift_right_uint8', // UINT8
  'test_mod_uint16', // UINT16
  'test_bitshift_right_uint32', // UINT32
  'test_bitshift_right_uint64', // UINT64
  'test_min_int8', // INT8
  'test_mod_mixed_sign_int16', // INT16
  'test_min_int32', // INT32
  'test_min_int64', // INT64
  'test_cast_FLOAT16_to_FLOAT', // FP16 in, FP32 out
  'test_cast_FLOAT_to_FLOAT16', // FP32 in, FP16 out
  'test_cast_DOUBLE_to_FLOAT', // FP64 in, FP32 out
  'test_strnormalizer_nostopwords_nochangecase', // BYTES
]

/** Its model input is BFLOAT16, which onnxruntime-node 1.30 rejects already at session creation. */
export const BF16_CASE = 'test_cast_BFLOAT16_to_FLOAT'

const DATATYPES: Readonly<Record<number, OipDatatype>> = {
  [onnx.TensorProto.DataType.FLOAT]: 'FP32',
  [onnx.TensorProto.DataType.UINT8]: 'UINT8',
  [onnx.TensorProto.DataType.INT8]: 'INT8',
  [onnx.TensorProto.DataType.UINT16]: 'UINT16',
  [onnx.TensorProto.DataType.INT16]: 'INT16',
  [onnx.TensorProto.DataType.INT32]: 'INT32',
  [onnx.TensorProto.DataType.INT64]: 'INT64',
  [onnx.TensorProto.DataType.STRING]: 'BYTES',
  [onnx.TensorProto.DataType.BOOL]: 'BOOL',
  [onnx.TensorProto.DataType.FLOAT16]: 'FP16',
  [onnx.TensorProto.DataType.DOUBLE]: 'FP64',
  [onnx.TensorProto.DataType.UINT32]: 'UINT32',
  [onnx.TensorProto.DataType.UINT64]: 'UINT64',
  [onnx.TensorProto.DataType.BFLOAT16]: 'BF16',
}

export function hasTestdata(): boolean {
  return existsSync(join(TESTDATA_ROOT, 'test_add', 'model.onnx'))
}

export function readCase(name: string): TestCase {
  const dir = join(TESTDATA_ROOT, name)
  const dataDir = join(dir, 'test_data_set_0')
  const modelPath = join(dir, 'model.onnx')
  const graph = onnx.ModelProto.decode(readFileSync(modelPath)).graph
  return {
    name,
    modelPath,
    inputs: matchDeclaredTypes(readNumbered(dataDir, 'input'), graph?.input ?? []),
    outputs: matchDeclaredTypes(readNumbered(dataDir, 'output'), graph?.output ?? []),
  }
}

/**
 * ONNX 1.12 stores BFLOAT16 test data as UINT16 bit patterns (numpy has no bfloat16), so the
 * model's declared type, not the .pb one, says what the values mean.
 */
function matchDeclaredTypes(tensors: Tensor[], declared: OnnxTypes.IValueInfoProto[]): Tensor[] {
  return tensors.map((tensor, index) => {
    const info = declared.find((value) => value.name === tensor.name) ?? declared[index]
    const isBfloat16 = info?.type?.tensorType?.elemType === onnx.TensorProto.DataType.BFLOAT16
    if (!isBfloat16 || tensor.datatype !== 'UINT16') return tensor
    return { ...tensor, datatype: 'BF16', data: tensor.data.map((bits) => bfloat16ToNumber(Number(bits))) }
  })
}

function readNumbered(dir: string, prefix: string): Tensor[] {
  const pattern = new RegExp(`^${prefix}_(\\d+)\\.pb$`)
  const indices = readdirSync(dir)
    .map((file) => pattern.exec(file)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  return indices.map((index) => readTensor(join(dir, `${prefix}_${index}.pb`)))
}

export function readTensor(file: string): Tensor {
  const proto = onnx.TensorProto.decode(readFileSync(file))
  const datatype = DATATYPES[proto.dataType]
  if (datatype === undefined) throw new Error(`${file}: unsupported ONNX data type ${proto.dataType}`)
  if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error(`${file}: external tensor data is not supported`)
  }
  const shape = proto.dims.map((dim) => Number(toBigInt(dim, true)))
  const data = proto.rawData.length > 0 ? decodeRaw(proto.rawData, datatype) : decodeTyped(proto, datatype)
  const expected = shape.reduce((count, dim) => count * dim, 1)
  if (data.length !== expected) {
    throw new Error(`${file}: ${data.length} values for shape [${shape.join(', ')}]`)
  }
  return { name: proto.name, datatype, shape, data }
}

/** protobufjs yields Long objects for 64-bit fields when the `long` package is present, else numbers. */
type Int64 = number | { low: number; high: number }

function toBigInt(value: Int64, signed: boolean): bigint {
  if (typeof value === 'number') return BigInt(value)
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)
  return signed ? BigInt.asIntN(64, bits) : BigInt.asUintN(64, bits)
}

interface RawReader {
  size: number
  read: (view: DataView, offset: number) => TensorValue
}

const RAW_READERS: Readonly<Record<Exclude<OipDatatype, 'BYTES'>, RawReader>> = {
  BOOL: { size: 1, read: (v, o) => v.getUint8(o) !== 0 },
  UINT8: { size: 1, read: (v, o) => v.getUint8(o) },
  UINT16: { size: 2, read: (v, o) => v.getUint16(o, true) },
  UINT32: { size: 4, read: (v, o) => v.getUint32(o, true) },
  UINT64: { size: 8, read: (v, o) => v.getBigUint64(o, true) },
  INT8: { size: 1, read: (v, o) => v.getInt8(o) },
  INT16: { size: 2, read: (v, o) => v.getInt16(o, true) },
  INT32: { size: 4, read: (v, o) => v.getInt32(o, true) },
  INT64: { size: 8, read: (v, o) => v.getBigInt64(o, true) },
  FP16: { size: 2, read: (v, o) => halfToNumber(v.getUint16(o, true)) },
  FP32: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  FP64: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  BF16: { size: 2, read: (v, o) => bfloat16ToNumber(v.getUint16(o, true)) },
}

function decodeRaw(raw: Uint8Array, datatype: OipDatatype): TensorValue[] {
  // The spec forbids raw_data for strings, since they have no fixed width.
  if (datatype === 'BYTES') throw new Error('STRING tensors cannot use raw_data')
  const { size, read } = RAW_READERS[datatype]
  if (raw.byteLength % size !== 0)
    throw new Error(`raw_data length ${raw.byteLength} is not a multiple of ${size}`)
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  return Array.from({ length: raw.byteLength / size }, (_, i) => read(view, i * size))
}

/** Which repeated field holds each type when raw_data is empty, per onnx.proto. */
function decodeTyped(proto: OnnxTypes.TensorProto, datatype: OipDatatype): TensorValue[] {
  switch (datatype) {
    case 'FP32':
      return proto.floatData
    case 'FP64':
      return proto.doubleData
    case 'INT64':
      return proto.int64Data.map((value) => toBigInt(value, true))
    case 'UINT64':
      return proto.uint64Data.map((value) => toBigInt(value, false))
    case 'UINT32':
      return proto.uint64Data.map((value) => Number(toBigInt(value, false)))
    case 'BYTES':
      return proto.stringData.map((bytes) => new TextDecoder().decode(bytes))
    default:
      return proto.int32Data.map((value) => fromInt32Field(value, datatype))
  }
}

function fromInt32Field(value: number, datatype: OipDatatype): TensorValue {
  // FP16 and BF16 sit in int32_data as their 16 bit patterns, not as numeric values.
  if (datatype === 'FP16') return halfToNumber(value & 0xffff)
  if (datatype === 'BF16') return bfloat16ToNumber(value & 0xffff)
  if (datatype === 'BOOL') return value !== 0
  return value
}

/** IEEE 754 binary16 bits to a number; exponent 0 is subnormal, 31 is inf/NaN. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

const bfloat16View = new DataView(new ArrayBuffer(4))

/** bfloat16 is the upper half of a float32. */
function bfloat16ToNumber(bits: number): number {
  bfloat16View.setUint32(0, bits << 16)
  return bfloat16View.getFloat32(0)
}
