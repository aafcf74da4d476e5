/**
 * An inference request's inputs and output selection, from JSON or from the binary tensor data
 * extension, checked against the model; and the response in the form each output asked for.
 */
import type { components } from '@modelport/sdk'
import { badRequest } from '../core/errors.js'
import { binaryBytes, jsonBytesAtLeast, OutputBudget } from '../runtime/output-budget.js'
import type { HostTensor, TensorMetadata } from '../runtime/types.js'
import { binarySize, decodeBinaryInput, encodeBinary } from './binary.js'
import { decodeInput, encodeOutput, type TensorLimits } from './codec.js'
import { writeOutputText } from './json-text.js'

type Schemas = components['schemas']
export type RequestHeader = Schemas['InferenceRequestHeader']

/**
 * A client's name as a message shows it: at most 64 characters, so a name of megabytes is not echoed
 * back whole.
 */
export function shownName(name: string): string {
  return `'${name.length > 64 ? `${name.slice(0, 61)}...` : name}'`
}

/** The model's own names, for "(inputs: …)": a long list is cut, not written out whole. */
function namesOf(declared: TensorMetadata[]): string {
  const names = declared.slice(0, 20).map((d) => d.name)
  const text = names.join(', ')
  const more = declared.length > names.length ? `, and ${declared.length - names.length} more` : ''
  return text.length > 400 ? `${text.slice(0, 397)}...` : `${text}${more}`
}

export interface WantedOutput {
  name: string
  /** Returned as raw bytes after the JSON header. */
  binary: boolean
}

/** The inputs as host tensors; `binary` is the body after the JSON header of a binary request. */
export function decodeInputs(
  model: string,
  request: RequestHeader,
  declared: TensorMetadata[],
  binary: Uint8Array | undefined,
  limits: TensorLimits,
): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {}
  let offset = 0
  for (const input of request.inputs) {
    const meta = declared.find((i) => i.name === input.name)
    if (!meta) {
      throw badRequest(
        'unknown_input',
        `Model '${model}' has no input ${shownName(input.name)} (inputs: ${namesOf(declared)}).`,
        'inputs',
      )
    }
    if (feeds[input.name])
      throw badRequest('duplicate_input', `Input '${input.name}' is given twice.`, 'inputs')
    const size = binarySize(input.name, input.parameters)
    if (size === undefined) {
      if (input.data === undefined) {
        throw badRequest(
          'missing_data',
          `Input '${input.name}' has neither data nor a binary_data_size parameter.`,
          'inputs',
        )
      }
      feeds[input.name] = decodeInput(input as Schemas['RequestInput'], meta, limits)
      continue
    }
    if (!binary) {
      throw badRequest(
        'binary_without_header',
        `Input '${input.name}' has binary_data_size, so send the body as the JSON header followed by the tensor bytes, with its length in Inference-Header-Content-Length.`,
        'inputs',
      )
    }
    if (input.data !== undefined) {
      throw badRequest(
        'duplicate_data',
        `Input '${input.name}' has both data and binary_data_size; send one.`,
        'inputs',
      )
    }
    if (offset + size > binary.byteLength) {
      throw badRequest(
        'invalid_data_length',
        `Input '${input.name}' says binary_data_size ${size}, but only ${binary.byteLength - offset} bytes follow the header.`,
        'inputs',
      )
    }
    feeds[input.name] = decodeBinaryInput(input, meta, binary.subarray(offset, offset + size), limits)
    offset += size
  }
  if (binary && offset !== binary.byteLength) {
    throw badRequest(
      'invalid_data_length',
      `The body has ${binary.byteLength - offset} bytes after the header that no input's binary_data_size accounts for.`,
    )
  }
  const missing = declared.filter((i) => !feeds[i.name]).map((i) => `'${i.name}'`)
  if (missing.length > 0) {
    throw badRequest('missing_input', `Model '${model}' needs input ${missing.join(', ')}.`, 'inputs')
  }
  return feeds
}

function flag(value: unknown, name: string, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw badRequest('invalid_parameter', `${where} parameter ${name} must be true or false.`, 'parameters')
}

/** The outputs to compute, each in JSON or binary form (`binary_data`, else `binary_data_output`). */
export function selectOutputs(
  model: string,
  request: RequestHeader,
  declared: TensorMetadata[],
): WantedOutput[] {
  const all = flag(request.parameters?.binary_data_output, 'binary_data_output', 'The request') ?? false
  if (!request.outputs) return declared.map((o) => ({ name: o.name, binary: all }))
  const named = new Set<string>()
  return request.outputs.map((o) => {
    if (!declared.some((d) => d.name === o.name)) {
      throw badRequest(
        'unknown_output',
        `Model '${model}' has no output ${shownName(o.name)} (outputs: ${namesOf(declared)}).`,
        'outputs',
      )
    }
    // Each copy would be computed and written again: a small request could ask for a huge answer.
    if (named.has(o.name))
      throw badRequest('duplicate_output', `Output '${o.name}' is asked for twice; name it once.`, 'outputs')
    named.add(o.name)
    const own = flag(o.parameters?.binary_data, 'binary_data', `Output '${o.name}'`)
    return { name: o.name, binary: own ?? all }
  })
}

export type EncodedResponse =
  /** JSON text in pieces, to be sent in order (one piece for a small response). */
  | { kind: 'json'; pieces: string[] }
  /** The JSON header's bytes, then each binary output's, to be sent in order (never joined into a copy). */
  | { kind: 'binary'; parts: Uint8Array[]; headerLength: number; byteLength: number }

/**
 * The response: plain JSON, or the JSON header and the binary outputs' bytes in output order; a 413 when
 * it would be over `maxOutputBytes`, found before the large part is written.
 */
export async function encodeResponse(
  head: { model_name: string; model_version: string; id?: string },
  wanted: WantedOutput[],
  results: Record<string, HostTensor>,
  maxOutputBytes: number = Number.POSITIVE_INFINITY,
): Promise<EncodedResponse> {
  const estimate = new OutputBudget(maxOutputBytes)
  for (const w of wanted) {
    const tensor = results[w.name] as HostTensor
    estimate.spend(w.binary ? binaryBytes(tensor) : jsonBytesAtLeast(tensor), `'${w.name}'`)
  }
  const budget = new OutputBudget(maxOutputBytes)
  if (!wanted.some((w) => w.binary)) {
    // An `InferenceResponse`, written as text: see json-text.ts for why.
    const pieces = [`${JSON.stringify(head).slice(0, -1)},"outputs":[`]
    for (const [index, w] of wanted.entries()) {
      if (index > 0) pieces.push(',')
      pieces.push(...(await writeOutputText(w.name, results[w.name] as HostTensor, budget)))
    }
    pieces.push(']}')
    // Small answers (most of them) go out as one string, which is what costs least.
    return { kind: 'json', pieces: pieces.length <= 16 ? [pieces.join('')] : pieces }
  }
  const parts: Uint8Array[] = []
  const outputs: Schemas['BinaryResponseOutput'][] = []
  for (const w of wanted) {
    const tensor = results[w.name] as HostTensor
    if (!w.binary) {
      // Written as text once to count it: the header's JSON.stringify writes the same text.
      await writeOutputText(w.name, tensor, budget)
      outputs.push(encodeOutput(w.name, tensor))
      continue
    }
    const bytes = encodeBinary(tensor)
    budget.spend(bytes.byteLength, `'${w.name}'`)
    parts.push(bytes)
    outputs.push({
      name: w.name,
      datatype: tensor.datatype,
      shape: tensor.shape,
      parameters: { binary_data_size: bytes.byteLength },
    })
  }
  const header: Schemas['InferenceResponseHeader'] = { ...head, outputs }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header))
  let byteLength = headerBytes.byteLength
  for (const part of parts) byteLength += part.byteLength
  return { kind: 'binary', parts: [headerBytes, ...parts], headerLength: headerBytes.byteLength, byteLength }
}
