/**
 * @modelport/sdk — call modelport models as typed functions.
 *
 * @example
 * const mp = createModelport({ baseUrl: 'http://localhost:8080' })
 * const { outputs } = await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
 */
import { type ClientOptions, HttpClient, type RequestOptions } from './client.js'
import type { components, operations } from './generated/openapi.js'
import { type InferRequest, infer } from './infer.js'

type Json<Op, Status extends number = 200> = Op extends {
  responses: { [S in Status]: { content: { 'application/json': infer T } } }
}
  ? T
  : never

export type Model = components['schemas']['Model']
export type ModelList = components['schemas']['ModelList']
export type ModelMetadata = components['schemas']['ModelMetadata']
export type ServerMetadata = components['schemas']['ServerMetadata']

const segment = encodeURIComponent

function modelPath(model: string, version?: string): string {
  return `/v2/models/${segment(model)}${version === undefined ? '' : `/versions/${segment(version)}`}`
}

/** Creates a client. Every method takes per-call `RequestOptions` last. */
export function createModelport(options: ClientOptions) {
  const http = new HttpClient(options)
  const get = async <T>(path: string, opts?: RequestOptions) =>
    (await http.request<T>({ method: 'GET', path, ...opts })).data
  const probe = async (path: string, opts?: RequestOptions) =>
    (await http.request<unknown>({ method: 'GET', path, accept: [503], ...opts })).response.ok
  const metadataCache = new Map<string, Promise<ModelMetadata>>()

  const models = {
    /** Every model the server can serve. */
    list: (opts?: RequestOptions) => get<Json<operations['listModels']>>('/v1/models', opts),
    /** One model's task, backends, versions and state. */
    retrieve: (model: string, opts?: RequestOptions) =>
      get<Json<operations['retrieveModel']>>(`/v1/models/${segment(model)}`, opts),
    /** A model's tensor inputs and outputs (Open Inference Protocol metadata). */
    metadata: (model: string, version?: string, opts?: RequestOptions) =>
      get<Json<operations['modelMetadata']>>(modelPath(model, version), opts),
    /** Whether the model (or one version) is loaded and ready. */
    ready: (model: string, version?: string, opts?: RequestOptions) =>
      probe(`${modelPath(model, version)}/ready`, opts),
  }

  return {
    models,
    health: {
      /** Whether the server is up. */
      live: (opts?: RequestOptions) => probe('/v2/health/live', opts),
      /** Whether every model the server serves at start-up is loaded. */
      ready: (opts?: RequestOptions) => probe('/v2/health/ready', opts),
    },
    /** The server's name, version and protocol extensions. */
    metadata: (opts?: RequestOptions) => get<Json<operations['serverMetadata']>>('/v2', opts),
    /**
     * Runs a model on typed-array inputs and returns typed-array outputs.
     * Shapes and datatypes left out are read from the model's metadata (fetched once).
     */
    infer: <Outputs extends string = string>(model: string, request: InferRequest, opts?: RequestOptions) =>
      infer<Outputs>(http, model, request, opts, (version) => {
        const key = `${model}\u0000${version ?? ''}`
        let cached = metadataCache.get(key)
        if (!cached) {
          cached = models.metadata(model, version, opts)
          cached.catch(() => metadataCache.delete(key))
          metadataCache.set(key, cached)
        }
        return cached
      }),
  }
}

export type Modelport = ReturnType<typeof createModelport>
export type { ClientOptions, RequestOptions } from './client.js'
export * from './errors.js'
export type { components, operations, paths } from './generated/openapi.js'
export type { InferRequest, InferResult } from './infer.js'
export { fromFloat16Bits, toFloat16Bits } from './tensor/float16.js'
export {
  type Datatype,
  type DatatypeArrays,
  datatypeOf,
  fromJsonOutput,
  inferShape,
  type Tensor,
  type TensorArray,
  type TensorInput,
  toJsonData,
} from './tensor/tensor.js'
