import type { HttpClient, RequestOptions } from './client.js'
import type { components, operations } from './generated/openapi.js'
import {
  type Datatype,
  datatypeOf,
  fromJsonOutput,
  inferShape,
  type Tensor,
  type TensorArray,
  type TensorInput,
  toJsonData,
} from './tensor/tensor.js'

type Schemas = components['schemas']
type WireResponse = operations['modelInfer']['responses'][200]['content']['application/json']

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
}

export interface InferResult<Outputs extends string = string> {
  model_name: string
  model_version?: string
  id?: string
  outputs: Record<Outputs, Tensor>
}

function normalize(input: TensorInput): { data: TensorArray; shape?: number[]; datatype?: Datatype } {
  return Array.isArray(input) || ArrayBuffer.isView(input) ? { data: input as TensorArray } : input
}

export async function infer<Outputs extends string>(
  http: HttpClient,
  model: string,
  request: InferRequest,
  opts: RequestOptions | undefined,
  metadata: (version?: string) => Promise<Schemas['ModelMetadata']>,
): Promise<InferResult<Outputs>> {
  const entries = Object.entries(request.inputs).map(([name, input]) => [name, normalize(input)] as const)
  const needsMetadata = entries.some(([, t]) => !t.shape || !t.datatype)
  const declared = needsMetadata ? (await metadata(request.version)).inputs : []

  const inputs: Schemas['RequestInput'][] = entries.map(([name, tensor]) => {
    const meta = declared.find((m) => m.name === name)
    const datatype = tensor.datatype ?? meta?.datatype ?? datatypeOf(tensor.data)
    if (!datatype)
      throw new TypeError(`Input '${name}': give a datatype; it cannot be told from an empty array.`)
    const shape = tensor.shape ?? (meta ? inferShape(meta.shape, tensor.data.length) : [tensor.data.length])
    if (!shape) {
      throw new TypeError(
        `Input '${name}': ${tensor.data.length} elements do not fit the model's shape [${meta?.shape}]; pass a shape.`,
      )
    }
    return { name, datatype, shape, data: toJsonData(tensor.data, datatype) }
  })

  const body: Schemas['InferenceRequest'] = { inputs }
  if (request.id !== undefined) body.id = request.id
  if (request.parameters) body.parameters = request.parameters
  if (request.outputs) body.outputs = request.outputs.map((name) => ({ name }))

  const path = `/v2/models/${encodeURIComponent(model)}${
    request.version === undefined ? '' : `/versions/${encodeURIComponent(request.version)}`
  }/infer`
  const { data } = await http.request<WireResponse>({ method: 'POST', path, body, ...opts })
  const outputs = {} as Record<Outputs, Tensor>
  for (const output of data.outputs) outputs[output.name as Outputs] = fromJsonOutput(output)
  const result: InferResult<Outputs> = { model_name: data.model_name, outputs }
  if (data.model_version !== undefined) result.model_version = data.model_version
  if (data.id !== undefined) result.id = data.id
  return result
}
