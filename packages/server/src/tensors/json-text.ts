/**
 * Tensor data written straight to JSON text. `JSON.stringify` of a 512-number array measured ~0.14 ms
 * on this machine, concatenating the same numbers ~0.025 ms; the values are the same text either way
 * (both print a number's shortest round-trip form). Non-finite floats become the protocol's names, and
 * 64-bit integers beyond ±2^53 decimal strings, as `toJsonData` does.
 */
import { fromFloat16Bits } from '@modelport/sdk'
import type { HostTensor } from '../runtime/types.js'

function float(v: number): string {
  if (Number.isFinite(v)) return `${v}`
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"'
}

function bigInteger(v: bigint): string {
  const n = Number(v)
  return Number.isSafeInteger(n) ? `${n}` : `"${v}"`
}

/** The `data` array of a tensor as JSON text. */
export function dataText(tensor: HostTensor): string {
  const { data, datatype } = tensor
  const n = data.length
  if (n === 0) return '[]'
  let text = '['
  if (datatype === 'BYTES') {
    for (let i = 0; i < n; i++) text += (i ? ',' : '') + JSON.stringify((data as string[])[i])
  } else if (datatype === 'BOOL') {
    for (let i = 0; i < n; i++) text += (i ? ',' : '') + ((data as Uint8Array)[i] ? 'true' : 'false')
  } else if (datatype === 'FP16') {
    for (let i = 0; i < n; i++)
      text += (i ? ',' : '') + float(fromFloat16Bits((data as Uint16Array)[i] as number))
  } else if (datatype === 'FP32' || datatype === 'FP64') {
    for (let i = 0; i < n; i++) text += (i ? ',' : '') + float((data as Float32Array)[i] as number)
  } else if (datatype === 'INT64' || datatype === 'UINT64') {
    for (let i = 0; i < n; i++) text += (i ? ',' : '') + bigInteger((data as BigInt64Array)[i] as bigint)
  } else {
    for (let i = 0; i < n; i++) text += (i ? ',' : '') + (data as Int32Array)[i]
  }
  return `${text}]`
}

/** One output object (`name`, `datatype`, `shape`, `data`) as JSON text. */
export function outputText(name: string, tensor: HostTensor): string {
  return `{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)},"data":${dataText(tensor)}}`
}
