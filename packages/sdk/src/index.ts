/**
 * @modelport/sdk — call modelport models as typed functions.
 *
 * @example
 * const mp = createModelport({ baseUrl: 'http://localhost:8080' })
 * const { outputs } = await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
 */
import { ApiPromise } from './api-promise.js'
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  OcrRequest,
  OcrResponse,
  ServerMetadata,
  VadRequest,
  VadResponse,
} from './api-types.js'
import {
  type ClientOptions,
  createHttpClient,
  type HttpRequest,
  type RequestOptions,
  readJson,
} from './client.js'
import { type ClientRequest, clientRequest } from './core.js'
import type { operations } from './generated/openapi.js'
import { type InferContext, type InferRequest, type InferResult, infer, modelPath } from './infer.js'
import type { Json } from './operation-types.js'
import { abortable } from './retry.js'
import { createStream } from './stream.js'
import { imageType } from './uploads.js'

/** A probe's answer is its status: 503 means "not ready", not a failure. */
const readStatus = (response: Response) => {
  response.body?.cancel().catch(() => {})
  return response.ok
}

/** Creates a client. Every method takes per-call `RequestOptions` last. */
export function createModelport(options: ClientOptions) {
  const http = createHttpClient(options)
  const call: ClientRequest = (req, read = readJson) => new ApiPromise(http.request(req, read))
  const get = <T>(path: string, opts?: RequestOptions) => call<T>({ ...opts, method: 'GET', path })
  const post = <T>(path: string, json: unknown, opts?: RequestOptions) =>
    call<T>({ ...opts, method: 'POST', path, json })
  const probe = (path: string, opts?: RequestOptions) =>
    call({ ...opts, method: 'GET', path, answers: [503] }, readStatus)

  // Looked up once and shared: a caller's signal only stops its own wait, never the shared request.
  const cache = new Map<string, Promise<unknown>>()
  const shared = <T>(key: string, load: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    if (!cache.has(key)) {
      const loading = load()
      loading.catch(() => cache.get(key) === loading && cache.delete(key))
      cache.set(key, loading)
    }
    return abortable(cache.get(key) as Promise<T>, signal)
  }
  const metadataKey = (model: string, version: string | undefined) => `${model}\u0000${version ?? ''}`

  const models = {
    /** Every model the server can serve. */
    list: (opts?: RequestOptions) => get<Json<operations['listModels']>>('/v1/models', opts),
    /** One model's task, backends, versions and state. */
    retrieve: (model: string, opts?: RequestOptions) =>
      get<Json<operations['retrieveModel']>>(`/v1/models/${encodeURIComponent(model)}`, opts),
    /** A model's tensor inputs and outputs (Open Inference Protocol metadata). */
    metadata: (model: string, version?: string, opts?: RequestOptions) =>
      get<Json<operations['modelMetadata']>>(modelPath(model, version), opts),
    /** Whether the model (or one version) is loaded and ready. */
    ready: (model: string, version?: string, opts?: RequestOptions) =>
      probe(`${modelPath(model, version)}/ready`, opts),
  }

  const context: InferContext = {
    http,
    metadata: (model, version, opts) =>
      shared(
        metadataKey(model, version),
        () => models.metadata(model, version, { headers: opts?.headers }),
        opts?.signal,
      ),
    forget: (model, version) => cache.delete(metadataKey(model, version)),
    binaryTensors: (opts) =>
      shared(
        '/v2',
        () =>
          get<ServerMetadata>('/v2', { headers: opts?.headers, maxRetries: 0 }).then((server) =>
            server.extensions.includes('binary_tensor_data'),
          ),
        opts?.signal,
      ).catch(() => false),
  }

  return {
    models,
    chat: {
      completions: {
        /** A chat completion, answered whole. */
        create: (body: ChatCompletionRequest & { stream?: false }, opts?: RequestOptions) =>
          post<ChatCompletion>('/v1/chat/completions', body, opts),
        /** A chat completion as a stream of chunks: `for await (const chunk of mp.chat.completions.stream(…))`. */
        stream: (body: ChatCompletionRequest, opts?: RequestOptions) =>
          createStream<ChatCompletionChunk>(
            () =>
              http.request(
                {
                  ...opts,
                  method: 'POST',
                  path: '/v1/chat/completions',
                  json: { ...body, stream: true },
                  accept: 'text/event-stream',
                },
                (response) => response,
              ),
            (cause) => http.failure(cause, opts?.signal, false),
          ),
      },
    },
    embeddings: {
      /** Embeddings, one per input in input order. */
      create: (body: EmbeddingsRequest, opts?: RequestOptions) =>
        post<EmbeddingsResponse>('/v1/embeddings', body, opts),
    },
    ocr: {
      /** The lines of text in an image (PNG, JPEG or WebP), in reading order. */
      recognize: ({ image, ...query }: OcrRequest, opts?: RequestOptions) =>
        new ApiPromise(
          (async () => {
            const req: HttpRequest = { ...opts, method: 'POST', path: '/v1/ocr' }
            if (typeof image === 'string') req.json = { image, ...query }
            else Object.assign(req, { query, body: image, contentType: await imageType(image) })
            return http.request<OcrResponse>(req, readJson)
          })(),
        ),
    },
    audio: {
      /** The stretches of speech in a WAV file, in seconds. */
      vad: ({ audio, ...query }: VadRequest, opts?: RequestOptions) =>
        call<VadResponse>({
          ...opts,
          method: 'POST',
          path: '/v1/audio/vad',
          query,
          body: audio as BodyInit,
          contentType: 'audio/wav',
        }),
    },
    health: {
      /** Whether the server is up. */
      live: (opts?: RequestOptions) => probe('/v2/health/live', opts),
      /** Whether every model the server serves at start-up is loaded. */
      ready: (opts?: RequestOptions) => probe('/v2/health/ready', opts),
    },
    /** The server's name, version and protocol extensions. */
    metadata: (opts?: RequestOptions) => get<Json<operations['serverMetadata']>>('/v2', opts),
    /**
     * Runs a model on typed-array inputs and returns typed-array outputs. Shapes and datatypes left out
     * are read from the model's metadata (fetched once). Large requests use binary tensors when the
     * server supports them.
     */
    infer: <Outputs extends string = string>(model: string, request: InferRequest, opts?: RequestOptions) =>
      new ApiPromise<InferResult<Outputs>>(infer<Outputs>(context, model, request, opts)),
    /** How `@modelport/sdk/admin`'s functions send their requests: as every method here does. */
    [clientRequest]: call,
  }
}

export type Modelport = ReturnType<typeof createModelport>
export { ApiPromise } from './api-promise.js'
export type * from './api-types.js'
export type { ClientOptions, HeaderValues, RequestOptions, WithResponse } from './client.js'
export { embeddingVector } from './embeddings.js'
export * from './errors.js'
export type { components, operations, paths } from './generated/openapi.js'
export { binaryThreshold, type InferRequest, type InferResult } from './infer.js'
export type { Stream } from './stream.js'
export {
  type ChatJsonRequest,
  chatJson,
  type FromSchema,
  type JsonSchema,
  StructuredOutputError,
  validateJson,
} from './structured/index.js'
export {
  binaryArrayClass,
  decodeBinaryStrings,
  encodeBinaryStrings,
  fromLittleEndianBytes,
  joinBinaryBody,
  littleEndianBytes,
} from './tensor/binary.js'
export { fromFloat16Bits, toFloat16Bits } from './tensor/float16.js'
export {
  type Datatype,
  type DatatypeArrays,
  type DatatypeInputs,
  datatypeOf,
  fromJsonOutput,
  inferShape,
  type Tensor,
  type TensorArray,
  type TensorInput,
  type TypedArray,
  type TypedArrayClass,
  toJsonData,
} from './tensor/tensor.js'
export {
  bindModels,
  type Infers,
  type ModelCallOptions,
  type ModelFunction,
  type ModelInput,
  type ModelSignature,
  type ShapedInput,
} from './typed-models.js'
export type { BinaryInput } from './uploads.js'
