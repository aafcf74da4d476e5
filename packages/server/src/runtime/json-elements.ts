/**
 * Tensor elements as JSON text, with no import beyond this folder's types: a model's worker thread counts
 * answers with it (`json-text.ts` writes them). FP16 needs its bits decoded, which the caller passes in.
 */

import type { OutputBudget } from './output-budget.js'
import type { HostTensor } from './types.js'

/**
 * Elements written between two turns of the event loop: 16M FP32 numbers measured 6.5 s written in one
 * go (20 bytes each); in slices of 16,384 the longest delay seen was 41 ms.
 */
export const SLICE = 16384

/** Decodes FP16 bits to the number they hold. */
export type HalfDecoder = (bits: number) => number

function float(v: number): string {
  if (Number.isFinite(v)) return `${v}`
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"'
}

function bigInteger(v: bigint): string {
  const n = Number(v)
  return Number.isSafeInteger(n) ? `${n}` : `"${v}"`
}

/** An output object's text up to its `data` array's first element. */
export function outputHead(name: string, tensor: HostTensor): string {
  return `{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)},"data":[`
}

/** Each element's JSON text, by datatype. */
function elementText(tensor: HostTensor, half: HalfDecoder): (i: number) => string {
  const { data, datatype } = tensor
  if (datatype === 'BYTES') return (i) => JSON.stringify((data as string[])[i])
  if (datatype === 'BOOL') return (i) => ((data as Uint8Array)[i] ? 'true' : 'false')
  if (datatype === 'FP16') return (i) => float(half((data as Uint16Array)[i] as number))
  if (datatype === 'FP32' || datatype === 'FP64') return (i) => float((data as Float32Array)[i] as number)
  if (datatype === 'INT64' || datatype === 'UINT64')
    return (i) => bigInteger((data as BigInt64Array)[i] as bigint)
  return (i) => `${(data as Int32Array)[i]}`
}

/**
 * Elements `from` to `to` as JSON text. Short runs are concatenated (about twice as fast as a join for
 * 512 numbers); long ones joined from an array, because a string grown by `+=` stays a tree of millions
 * of small pieces until read, which measured 2.5× the memory and major collections of 300 ms.
 */
export function sliceText(tensor: HostTensor, from: number, to: number, half: HalfDecoder): string {
  const text = elementText(tensor, half)
  if (to - from <= 1024) {
    let out = ''
    for (let i = from; i < to; i++) out += (i > from ? ',' : '') + text(i)
    return out
  }
  const parts: string[] = new Array(to - from)
  for (let i = from; i < to; i++) parts[i - from] = text(i)
  return parts.join(',')
}

/**
 * Counts one output object's JSON text against `budget` as `writeOutputText` writes it, slice by slice,
 * keeping none and in one go: for a thread that is not the event loop's (a model's worker), to refuse an
 * answer over the budget before any of it is sent across.
 */
export function countOutputText(
  name: string,
  tensor: HostTensor,
  budget: OutputBudget,
  half: HalfDecoder,
): void {
  const shown = `'${name}'`
  budget.spend(outputHead(name, tensor).length + 2, shown)
  const total = tensor.data.length
  for (let from = 0; from < total; from += SLICE) {
    const to = Math.min(total, from + SLICE)
    budget.spend((from > 0 ? 1 : 0) + sliceText(tensor, from, to, half).length, shown)
  }
}
