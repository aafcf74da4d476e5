/**
 * `infer()`: typed arrays in, typed arrays out, as JSON tensors or with the binary tensor data extension.
 */
import type { HttpClient, RequestOptions, WithResponse } from './client.js'
import { ModelportError } from './errors.js'
import type { components } from './generated/openapi.js'
import { fromBinary, joinBinaryBody, toBinary } from './tensor/binary.js'
import {
  type Datatype,
  fromJsonOutput,
  inferShape,
  type Tensor,
  type TensorArray,
  type TensorInput,
  toJsonData,
} from './tensor/tensor.js'

type Schemas = components['schemas']
type ModelMetadata = Schemas['ModelMetadata']
/** A JSON response, or the JSON header of a binary one (binary outputs carry `binary_data_size` for `data`). */
type WireResponse = Schemas['InferenceResponseHeader']
/** A JSON request, or the JSON header of a binary one (binary inputs carry `binary_data_size` for `data`). */
type WireRequest = Schemas['InferenceRequestHeader']

/** The protocol path of a model, or of one of its versions. */
export function modelPath(model: string, version?: string): string {
  const segment = encodeURIComponent
  return `/v2/models/${segment(model)}${version === undefined ? '' : `/versions/${segment(version)}`}`
}

/** Requests whose inputs hold at least this many elements in all use binary tensors, if the server can. */
export const binaryThreshold = 1024

export interface InferRequest {
  /** Input tensors by name. */
  inputs: Record<string, TensorInput>
  /** The outputs to return; all when omitted. */
  outputs?: string[]
  /** A numeric version; the newest when omitted. */
  version?: string
  /** Echoed back in the result. */
  id?: string
  parameters?: Schemas['Parameters']
  /**
   * `true` sends and asks for binary tensors, `false` JSON. By default a request goes binary when the
   * server lists `binary_tensor_data` and its inputs hold at least `binaryThreshold` (1024) elements.
   */
  binary?: boolean
}

export interface InferResult<Outputs extends string = string> {
  model_name: string
  model_version?: string
  id?: string
  parameters?: Schemas['Parameters']
  outputs: Record<Outputs, Tensor>
}

/** What `infer()` needs from the client: the HTTP core and its shared, cached look-ups. */
export interface InferContext {
  http: HttpClient
  metadata(
    model: string,
    version: string | undefined,
    opts: RequestOptions | undefined,
  ): Promise<ModelMetadata>
  /** Forgets cached metadata that a failed request showed to be stale. */
  forget(model: string, version: string | undefined): void
  binaryTensors(opts: RequestOptions | undefined): Promise<boolean>
}

interface Prepared {
  name: string
  datatype: Datatype
  shape: number[]
  data: TensorArray
}

function normalize(input: TensorInput): { data: TensorArray; shape?: number[]; datatype?: Datatype } {
  return Array.isArray(input) || ArrayBuffer.isView(input) ? { data: input as TensorArray } : input
}

const utf8 = new TextDecoder()

const product = (shape: number[]) => shape.reduce((n, d) => n * d, 1)

/** Decodes a JSON response, or a binary one whose JSON header is `headerLength` bytes long. */
function decode<Outputs extends string>(
  bytes: Uint8Array,
  headerLength: string | null,
): InferResult<Outputs> {
  const length = headerLength === null ? bytes.length : Number(headerLength)
  const { outputs: wire, ...rest } = JSON.parse(utf8.decode(bytes.subarray(0, length))) as WireResponse
  const outputs = {} as Record<Outputs, Tensor>
  let offset = length
  for (const output of wire) {
    const size = output.parameters?.binary_data_size
    const { name, datatype, shape } = output
    if (size === undefined) outputs[name as Outputs] = fromJsonOutput({ ...output, data: output.data ?? [] })
    else {
      const data = fromBinary(bytes.subarray(offset, offset + Number(size)), datatype, product(shape))
      outputs[name as Outputs] = { datatype, shape, data } as Tensor
      offset += Number(size)
    }
  }
  if (offset !== bytes.length) throw new RangeError('its outputs do not fill its body')
  return { ...rest, outputs }
}

/** Runs a model; shapes and datatypes left out are read from its metadata. */
export async function infer<Outputs extends string>(
  context: InferContext,
  model: string,
  request: InferRequest,
  opts: RequestOptions | undefined,
): Promise<WithResponse<InferResult<Outputs>>> {
  const entries = Object.entries(request.inputs).map(([name, input]) => [name, normalize(input)] as const)
  const declared = entries.some(([, t]) => !t.shape || !t.datatype)
    ? (await context.metadata(model, request.version, opts)).inputs
    : undefined

  const tensors = entries.map(([name, tensor]): Prepared => {
    const { data } = tensor
    let { datatype, shape } = tensor
    if (!datatype || !shape) {
      const meta = declared?.find((m) => m.name === name)
      if (!meta)
        throw new TypeError(`Input '${name}' is not one of ${model}'s: ${declared?.map((m) => m.name)}.`)
      datatype ??= meta.datatype
      shape ??= inferShape(meta.shape, data.length) ?? meta.shape
    }
    if (product(shape) !== data.length)
      throw new TypeError(
        `Input '${name}': ${data.length} elements do not fit the shape [${shape}]; pass a shape.`,
      )
    return { name, datatype, shape, data }
  })

  const elements = tensors.reduce((n, t) => n + t.data.length, 0)
  const binary = request.binary ?? (elements >= binaryThreshold && (await context.binaryTensors(opts)))
  // Fields left undefined are left out by JSON.stringify.
  const wire: WireRequest = {
    id: request.id,
    parameters: binary ? { ...request.parameters, binary_data_output: true } : request.parameters,
    inputs: [],
    outputs: request.outputs?.map((name) => ({ name })),
  }
  const parts: Uint8Array[] = []
  for (const { name, datatype, shape, data } of tensors) {
    if (binary) {
      const bytes = toBinary(data, datatype, name)
      parts.push(bytes)
      wire.inputs.push({ name, datatype, shape, parameters: { binary_data_size: bytes.length } })
    } else wire.inputs.push({ name, datatype, shape, data: toJsonData(data, datatype, name) })
  }

  const joined = binary ? joinBinaryBody(wire, parts) : undefined
  try {
    return await context.http.request(
      {
        ...opts,
        method: 'POST',
        path: `${modelPath(model, request.version)}/infer`,
        ...(joined
          ? {
              headers: { ...opts?.headers, 'inference-header-content-length': String(joined.headerLength) },
              body: joined.body,
              contentType: 'application/octet-stream',
            }
          : { json: wire }),
      },
      async (response) => {
        const bytes = new Uint8Array(await response.arrayBuffer())
        try {
          return decode<Outputs>(bytes, response.headers.get('inference-header-content-length'))
        } catch (cause) {
          throw new ModelportError(`Unreadable inference response: ${(cause as Error).message}`, {
            status: response.status,
            code: 'invalid_response',
            headers: response.headers,
            cause,
          })
        }
      },
    )
  } catch (error) {
    // The model may have changed under the cached metadata: look it up afresh next time.
    if (declared && error instanceof ModelportError && (error.status === 400 || error.status === 404))
      context.forget(model, request.version)
    throw error
  }
}
