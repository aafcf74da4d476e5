/**
 * Stacking host tensors along the first dimension and splitting results back, for the batcher.
 */
import type { HostTensor } from './types.js'

type Data = HostTensor['data']
type TypedArray = Exclude<Data, string[]>
type TypedArrayClass = new (length: number) => TypedArray

/** Elements in one entry of the first dimension. */
export function rowSize(shape: number[]): number {
  let n = 1
  for (let i = 1; i < shape.length; i++) n *= shape[i] as number
  return n
}

/** Concatenates tensors that agree on every dimension but the first. */
export function stack(parts: HostTensor[]): HostTensor {
  const first = parts[0] as HostTensor
  if (parts.length === 1) return first
  const rows = parts.reduce((n, p) => n + (p.shape[0] as number), 0)
  const shape = [rows, ...first.shape.slice(1)]
  if (Array.isArray(first.data)) {
    return { datatype: first.datatype, shape, data: parts.flatMap((p) => p.data as string[]) }
  }
  const total = parts.reduce((n, p) => n + p.data.length, 0)
  const out = new (first.data.constructor as TypedArrayClass)(total)
  let offset = 0
  for (const part of parts) {
    ;(out as Uint8Array).set(part.data as Uint8Array, offset)
    offset += part.data.length
  }
  return { datatype: first.datatype, shape, data: out }
}

/** Rows `[start, end)` of a tensor; typed arrays are views, not copies. */
export function sliceRows(tensor: HostTensor, start: number, end: number): HostTensor {
  const size = rowSize(tensor.shape)
  const data = Array.isArray(tensor.data)
    ? tensor.data.slice(start * size, end * size)
    : (tensor.data as TypedArray).subarray(start * size, end * size)
  return { datatype: tensor.datatype, shape: [end - start, ...tensor.shape.slice(1)], data: data as Data }
}

/** Pads dimension 1 of `[N, T, …]` to `length` with `value`. */
export function padDim1(tensor: HostTensor, length: number, value: number): HostTensor {
  const [rows, current] = tensor.shape as [number, number]
  if (current === length) return tensor
  const inner = rowSize(tensor.shape) / current
  const shape = [rows, length, ...tensor.shape.slice(2)]
  const count = rows * length * inner
  if (Array.isArray(tensor.data)) throw new Error('BYTES inputs cannot be padded')
  const source = tensor.data as TypedArray
  const out = new (source.constructor as TypedArrayClass)(count)
  const fill = source instanceof BigInt64Array || source instanceof BigUint64Array ? BigInt(value) : value
  ;(out as Uint8Array).fill(fill as number)
  for (let r = 0; r < rows; r++) {
    const from = source.subarray(r * current * inner, (r + 1) * current * inner)
    ;(out as Uint8Array).set(from as Uint8Array, r * length * inner)
  }
  return { datatype: tensor.datatype, shape, data: out }
}

/** Cuts dimension 1 of `[N, T, …]` back to `length` (the inverse of `padDim1`). */
export function trimDim1(tensor: HostTensor, length: number): HostTensor {
  const [rows, current] = tensor.shape as [number, number]
  if (current === length) return tensor
  const inner = rowSize(tensor.shape) / current
  const shape = [rows, length, ...tensor.shape.slice(2)]
  if (Array.isArray(tensor.data)) {
    const data: string[] = []
    for (let r = 0; r < rows; r++)
      data.push(...tensor.data.slice(r * current * inner, (r * current + length) * inner))
    return { datatype: tensor.datatype, shape, data }
  }
  const source = tensor.data as TypedArray
  const out = new (source.constructor as TypedArrayClass)(rows * length * inner)
  for (let r = 0; r < rows; r++) {
    const from = source.subarray(r * current * inner, (r * current + length) * inner)
    ;(out as Uint8Array).set(from as Uint8Array, r * length * inner)
  }
  return { datatype: tensor.datatype, shape, data: out }
}
