/**
 * The Open Inference Protocol's JSON tensors ↔ host tensors. Every check a request can fail says what
 * to fix; nothing is rounded or wrapped silently (integers out of range and unsafe numbers are refused).
 */
import { type components, toFloat16Bits, toJsonData } from '@modelport/sdk'
import { badRequest } from '../core/errors.js'
import type { Datatype, HostTensor, TensorMetadata } from '../runtime/types.js'

type RequestInput = components['schemas']['RequestInput']
type ResponseOutput = components['schemas']['ResponseOutput']

const integerRanges: Partial<Record<Datatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
}

const bigintRanges: Partial<Record<Datatype, [bigint, bigint]>> = {
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT64: [0n, 2n ** 64n - 1n],
}

const arrays = {
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  BOOL: Uint8Array,
} as const

const specialFloats: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

// A NUL, or a UTF-16 surrogate without its pair (code units: no `u` flag on purpose).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const uncarried = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Refuses a BYTES string that ONNX Runtime would change: it cuts a string at its first NUL, and turns a
 * lone surrogate into U+FFFD. Nothing a client sends is changed silently, so these are a 400.
 */
export function checkCarried(text: string, name: string, element: number): void {
  const found = uncarried.exec(text)
  if (!found) return
  const what =
    found[0] === '\u0000'
      ? 'a NUL character (U+0000), where ONNX Runtime would cut the string'
      : `a lone surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()}), which is not text and would come back as U+FFFD`
  throw badRequest(
    'invalid_data',
    `Input '${name}' BYTES element ${element} holds ${what}; ONNX Runtime for Node carries strings only, so send text without it.`,
  )
}

/** Flattens nested `data`, checking that nesting (when used) follows the shape exactly. */
function flatten(data: unknown[], shape: number[], name: string): unknown[] {
  if (!data.some(Array.isArray)) return data
  const out: unknown[] = []
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node))
        throw badRequest('invalid_shape', `Input '${name}' is nested deeper than its shape at ${at}.`)
      out.push(node)
      return
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw badRequest(
        'invalid_shape',
        `Input '${name}' data at ${at} should be an array of ${shape[depth]} to match shape [${shape}].`,
      )
    }
    for (const [i, child] of node.entries()) walk(child, depth + 1, `${at}[${i}]`)
  }
  walk(data, 0, 'data')
  return out
}

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1)
}

/** How many elements one input may have: any datatype, and BYTES (each string a separate object). */
export interface TensorLimits {
  maxElements: number
  maxBytesElements: number
}

/** Checks an input's datatype and shape against the model's declaration; returns its element count. */
export function checkDeclared(
  input: { name: string; datatype: Datatype; shape: number[] },
  declared: TensorMetadata,
  limits: TensorLimits,
): number {
  const { maxElements, maxBytesElements } = limits
  const { name, datatype, shape } = input
  if (datatype === 'BF16') {
    throw badRequest(
      'unsupported_datatype',
      `Input '${name}' is BF16, which ONNX Runtime for Node cannot carry; send it as FP32 or FP16.`,
      'datatype',
    )
  }
  if (datatype !== declared.datatype) {
    throw badRequest(
      'datatype_mismatch',
      `Input '${name}' must be ${declared.datatype}, got ${datatype}.`,
      'datatype',
    )
  }
  const rankOk = shape.length === declared.shape.length
  if (!rankOk || shape.some((d, i) => declared.shape[i] !== -1 && declared.shape[i] !== d)) {
    throw badRequest(
      'invalid_shape',
      `Input '${name}' has shape [${shape}] but the model expects [${declared.shape}] (-1 is any size).`,
      'shape',
    )
  }
  const count = elementCount(shape)
  if (datatype === 'BYTES' && count > maxBytesElements && maxBytesElements < maxElements) {
    throw badRequest(
      'too_many_elements',
      `Input '${name}' has ${count} BYTES elements, over the limit of ${maxBytesElements} (maxBytesElements).`,
    )
  }
  if (count > maxElements) {
    throw badRequest(
      'too_many_elements',
      `Input '${name}' has ${count} elements, over the limit of ${maxElements} (maxTensorElements).`,
    )
  }
  return count
}

/** Checks a request input against the model's declaration and converts it to a host tensor. */
export function decodeInput(input: RequestInput, declared: TensorMetadata, limits: TensorLimits): HostTensor {
  const { name, datatype, shape } = input
  const count = checkDeclared(input, declared, limits)
  const values = flatten(input.data, shape, name)
  if (values.length !== count) {
    throw badRequest(
      'invalid_data_length',
      `Input '${name}' has ${values.length} elements but shape [${shape}] needs ${count}.`,
    )
  }
  return { datatype, shape, data: convert(values, datatype, name) }
}

function convert(values: unknown[], datatype: Datatype, name: string): HostTensor['data'] {
  const fail = (i: number, need: string) =>
    badRequest(
      'invalid_data',
      `Input '${name}' element ${i} is ${describe(values[i])}: ${datatype} needs ${need}.`,
    )

  if (datatype === 'BYTES') {
    values.forEach((v, i) => {
      if (typeof v !== 'string') throw fail(i, 'a string')
      checkCarried(v, name, i)
    })
    return values as string[]
  }
  if (datatype === 'INT64' || datatype === 'UINT64') {
    const [min, max] = bigintRanges[datatype] as [bigint, bigint]
    const out = datatype === 'INT64' ? new BigInt64Array(values.length) : new BigUint64Array(values.length)
    values.forEach((v, i) => {
      let big: bigint
      if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v)
      else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) big = BigInt(v)
      else if (typeof v === 'number' && Number.isInteger(v))
        throw fail(i, 'integers beyond ±2^53 as decimal strings')
      else throw fail(i, 'an integer')
      if (big < min || big > max) throw fail(i, `a value from ${min} to ${max}`)
      out[i] = big
    })
    return out
  }
  if (datatype === 'BF16') throw fail(0, 'a supported datatype')
  if (datatype === 'FP32' || datatype === 'FP64') {
    // The common case, kept to a plain loop: it is most of a request's decoding time.
    const out = new arrays[datatype](values.length)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (typeof v === 'number') out[i] = v
      else {
        const special = typeof v === 'string' ? specialFloats[v] : undefined
        if (special === undefined) throw fail(i, 'a number (or "NaN", "Infinity", "-Infinity")')
        out[i] = special
      }
    }
    return out
  }
  const out = new arrays[datatype](values.length)
  const range = integerRanges[datatype]
  values.forEach((v, i) => {
    if (datatype === 'BOOL') {
      if (typeof v !== 'boolean') throw fail(i, 'true or false')
      out[i] = v ? 1 : 0
    } else if (range) {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw fail(i, 'an integer')
      if (v < range[0] || v > range[1]) throw fail(i, `a value from ${range[0]} to ${range[1]}`)
      out[i] = v
    } else {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? specialFloats[v] : undefined
      if (n === undefined) throw fail(i, 'a number (or "NaN", "Infinity", "-Infinity")')
      out[i] = datatype === 'FP16' ? toFloat16Bits(n) : n
    }
  })
  return out
}

/** A host tensor in the protocol's JSON form (big integers as strings, non-finite floats as names). */
export function encodeOutput(name: string, tensor: HostTensor): ResponseOutput {
  return {
    name,
    datatype: tensor.datatype,
    shape: tensor.shape,
    data: toJsonData(tensor.data, tensor.datatype),
  }
}
