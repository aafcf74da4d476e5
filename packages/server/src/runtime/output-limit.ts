/**
 * The response budget (`maxOutputBytes`) applied where outputs are produced: a model's worker thread
 * checks them after the run, so an answer too large to send is refused there with the same 413 the
 * route would give, instead of crossing to the event loop's thread and being measured and written there
 * (a 135 MB output took the event loop 100–190 ms and the process +570 MiB on the way to its 413).
 */

import { countOutputText, outputHead } from './json-elements.js'
import { binaryBytes, jsonBytesAtLeast, OutputBudget } from './output-budget.js'
import type { HostTensor, OutputLimit } from './types.js'

/**
 * The most JSON text one element can take with its comma: a double's longest shortest-round-trip form
 * (`-2.2250738585072014e-308`, 24 characters) and a quoted 64-bit integer fit.
 */
const MOST_NUMBER_BYTES = 25

const unreachableHalf = (): number => {
  throw new Error('FP16 text is not counted here')
}

function jsonBytesAtMost(tensor: HostTensor): number {
  const { data } = tensor
  if (!Array.isArray(data)) return MOST_NUMBER_BYTES * data.length
  // A string's every unit may become a six-character escape.
  let bytes = 3 * data.length
  for (const text of data) bytes += 6 * text.length
  return bytes
}

/**
 * Throws the route's 413 (`output_too_large`) when `outputs`, named in response order, cannot fit in
 * `limit.maxBytes`: binary ones by their exact size, JSON ones from below, and where their longest form
 * could pass the budget, by counting their text exactly (here, off the event loop).
 */
export function checkOutputLimit(
  order: string[],
  outputs: Record<string, HostTensor>,
  limit: OutputLimit,
): void {
  const binary = new Set(limit.binary)
  const atLeast = new OutputBudget(limit.maxBytes)
  let atMost = 0
  for (const name of order) {
    const tensor = outputs[name]
    if (!tensor) continue
    const exact = binary.has(name) ? binaryBytes(tensor) : undefined
    atLeast.spend(exact ?? jsonBytesAtLeast(tensor), `'${name}'`)
    atMost += exact ?? outputHead(name, tensor).length + 2 + jsonBytesAtMost(tensor)
  }
  if (atMost <= limit.maxBytes) return
  const counted = new OutputBudget(limit.maxBytes)
  for (const name of order) {
    const tensor = outputs[name]
    if (!tensor) continue
    if (binary.has(name)) counted.spend(binaryBytes(tensor), `'${name}'`)
    // FP16 text needs the SDK's decoder, which a worker thread started from the sources cannot load;
    // its shortest form is counted above, and the route counts its text as it writes it.
    else if (tensor.datatype === 'FP16') counted.spend(jsonBytesAtLeast(tensor), `'${name}'`)
    else countOutputText(name, tensor, counted, unreachableHalf)
  }
}
