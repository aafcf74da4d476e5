/**
 * The most bytes one inference response may carry (`maxOutputBytes`). A model's outputs can be far
 * larger than its inputs, so the response is measured before it is written: exactly for binary outputs,
 * from below for JSON ones (whose text is then counted as it grows), and refused with a 413 once over.
 */
import { tooLarge } from '../core/errors.js'
import type { HostTensor } from './types.js'

export class OutputBudget {
  #used = 0
  constructor(readonly maxBytes: number) {}

  /** Counts `bytes` more; throws the 413 when the response would pass the budget. */
  spend(bytes: number, output: string): void {
    this.#used += bytes
    if (this.#used > this.maxBytes) throw outputTooLarge(this.maxBytes, output)
  }
}

export function outputTooLarge(maxBytes: number, output: string) {
  return tooLarge(
    `The response would be over the limit of ${maxBytes} bytes (maxOutputBytes) at output ${output}: ask for fewer outputs, a smaller batch, or binary_data_output.`,
    'output_too_large',
  )
}

/** UTF-8 length of a string without encoding it (a lone surrogate counts as the U+FFFD it becomes). */
export function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) bytes += 1
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A pair: 2 units, 4 bytes.
      bytes += 2
      i++
    } else bytes += 2
  }
  return bytes
}

/** The exact size of a tensor in the binary extension's layout. */
export function binaryBytes(tensor: HostTensor): number {
  const { data } = tensor
  if (!Array.isArray(data)) return data.byteLength
  let bytes = 4 * data.length
  for (const text of data) bytes += utf8Length(text)
  return bytes
}

/** The fewest bytes a tensor's JSON `data` can take: one digit and a comma per number, quotes per string. */
export function jsonBytesAtLeast(tensor: HostTensor): number {
  const { data } = tensor
  if (!Array.isArray(data)) return 2 * data.length
  let bytes = 3 * data.length
  for (const text of data) bytes += text.length
  return bytes
}
