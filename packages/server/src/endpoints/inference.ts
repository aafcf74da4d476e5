/**
 * The Open Inference Protocol v2 core: server and model metadata and tensor inference, in JSON
 * or with the binary tensor data extension.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { tooLarge } from '../core/errors.js'
import {
  InferenceRequest as validateInferenceRequest,
  InferenceRequestHeader as validateInferenceRequestHeader,
} from '../generated/validators.js'
import { checkBody, readJson } from '../http/body.js'
import { bodyLimit } from '../http/body-limit.js'
import { errorBody } from '../http/errors.js'
import type { Admission } from '../limits/admission.js'
import { admitted } from '../limits/admitted.js'
import type { ModelRegistry } from '../models/registry.js'
import { MODEL_VERSION_HEADER } from '../rollout/rollout-headers.js'
import type { HostTensor, LoadedModel } from '../runtime/types.js'
import { splitBody } from '../tensors/binary.js'
import { decodeInputs, encodeResponse, type RequestHeader, selectOutputs } from '../tensors/request.js'

type Schemas = components['schemas']

/** A handler's context on a model's path, the version optional: Hono infers both parameters from it. */
// biome-ignore lint/suspicious/noExplicitAny: the app's environment is the caller's
type ModelContext = Context<any, '/v2/models/:model/versions/:version?'>

/**
 * A large JSON answer sent a piece at a time: each piece is encoded as it is read, so the event loop is
 * never held by one encoding of the whole text.
 */
function textStream(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let next = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[next]
      if (piece === undefined) return controller.close()
      // Dropped once sent, so memory falls as the answer goes out.
      pieces[next++] = ''
      controller.enqueue(encoder.encode(piece))
    },
  })
}

/**
 * Below this size a binary answer is joined into one body (what costs least); above it, its parts are
 * sent one after another, since joining them is a copy of the whole answer on the event loop (128 MiB
 * measured 40-60 ms here, and as much memory again).
 */
const JOIN_BINARY_BELOW = 1024 * 1024

function partsStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next]
      if (part === undefined) return controller.close()
      parts[next++] = new Uint8Array(0)
      controller.enqueue(part)
    },
  })
}

function joined(parts: Uint8Array[], byteLength: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(byteLength)
  let offset = 0
  for (const part of parts) {
    body.set(part, offset)
    offset += part.byteLength
  }
  return body
}

export interface InferenceOptions {
  registry: ModelRegistry
  server: { name: string; version: string; extensions: string[] }
  /** Most elements one input tensor may have. */
  maxTensorElements: number
  /** Most elements one BYTES input may have (each is a string of its own). */
  maxBytesElements?: number
  /** Most bytes one response may carry; over it, a 413. */
  maxOutputBytes: number
  /** Largest JSON request body (binary-extension requests have the general body limit). */
  maxJsonBodyBytes?: number
  /** Gates a request passes before its body is read (the process-wide in-flight budget). */
  admissions?: Admission[]
  /** Told of every answered request, after its answer is encoded (quality monitoring keeps it for feedback). */
  onAnswered?: (answered: AnsweredRequest) => void
}

export interface AnsweredRequest {
  /** The request's `x-request-id`. */
  id: string
  model: string
  version: string
  inputs: Record<string, HostTensor>
  /** The first output returned, and its name. */
  output: HostTensor | undefined
  outputName: string | undefined
  /** What ran the request (a rollout's routed model may have sent a shadow a copy). */
  ran: LoadedModel
}

export function inferenceRoutes({
  registry,
  server,
  maxTensorElements,
  maxBytesElements = maxTensorElements,
  maxOutputBytes,
  maxJsonBodyBytes = Number.POSITIVE_INFINITY,
  admissions = [],
  onAnswered,
}: InferenceOptions) {
  // JSON is parsed and checked on the event loop in one go (1M numbers measured 0.3 s to parse and 64 ms
  // to validate here), so a large tensor must come as the binary extension's bytes, which are not parsed.
  const jsonLimit = bodyLimit({
    maxSize: maxJsonBodyBytes,
    onError: (c) =>
      c.json(
        errorBody(
          c.req.path,
          tooLarge(
            `A JSON inference request may be at most ${maxJsonBodyBytes} bytes (maxJsonBodyBytes); send large tensors as binary data (the binary tensor extension, with Inference-Header-Content-Length).`,
          ),
        ),
        413,
      ),
  })
  const limitJson: MiddlewareHandler = (c, next) =>
    c.req.header('inference-header-content-length') === undefined ? jsonLimit(c, next) : next()
  const tensorLimits = { maxElements: maxTensorElements, maxBytesElements }
  const admit = admitted(...admissions)
  const metadata = (c: ModelContext) => {
    const { model, version } = c.req.param()
    const entry = registry.entry(model)
    const { model: loaded } = registry.ready(entry.name, version)
    const body: Schemas['ModelMetadata'] = {
      name: entry.name,
      versions: entry.versions.map((v) => v.version),
      platform: loaded.platform,
      inputs: loaded.inputs,
      outputs: loaded.outputs,
    }
    return c.json(body)
  }

  const ready = (c: ModelContext) => {
    const { model, version } = c.req.param()
    const entry = registry.version(model, version)
    const body: Schemas['ModelReadyResponse'] = {
      name: model,
      version: entry.version,
      // A version released when idle is ready: the next request loads it.
      ready: entry.accepting,
    }
    return c.json(body, entry.accepting ? 200 : 503)
  }

  const infer = async (c: ModelContext) => {
    const { model, version } = c.req.param()
    // Resolve the model before reading the body, so an unknown model is a 404 whatever was sent.
    const { entry, model: loaded } = registry.ready(model, version)
    const headerLength = c.req.header('inference-header-content-length')
    let request: RequestHeader
    let binary: Uint8Array | undefined
    if (headerLength === undefined) {
      request = await readJson<Schemas['InferenceRequest']>(c, validateInferenceRequest)
    } else {
      const split = splitBody(new Uint8Array(await c.req.arrayBuffer()), headerLength)
      request = checkBody<RequestHeader>(split.header, validateInferenceRequestHeader)
      binary = split.binary
    }
    const decoding = performance.now()
    const feeds = decodeInputs(model, request, loaded.inputs, binary, tensorLimits)
    const wanted = selectOutputs(model, request, loaded.outputs)
    const inputMs = performance.now() - decoding
    // Unless quality monitoring reads them after the answer, the decoded inputs are not read again:
    // they may move to the model's worker thread without a copy.
    // A model in worker threads refuses an answer over the budget there, before it crosses threads.
    const outputLimit = {
      maxBytes: maxOutputBytes,
      binary: wanted.filter((w) => w.binary).map((w) => w.name),
    }
    const results = await loaded.run(
      feeds,
      wanted.map((w) => w.name),
      { transfer: onAnswered === undefined, outputLimit },
    )
    const encoding = performance.now()
    const head = { model_name: model, model_version: entry.version }
    const response = await encodeResponse(
      request.id === undefined ? head : { ...head, id: request.id },
      wanted,
      results,
      maxOutputBytes,
    )
    // The statistics' compute_input and compute_output include this side of the runtime too.
    entry.managed.recordConversion(inputMs, performance.now() - encoding)
    // Which version answered, for clients of unpinned requests while a canary takes a share of them.
    c.header(MODEL_VERSION_HEADER, entry.version)
    const first = wanted[0]?.name
    onAnswered?.({
      id: c.get('requestId'),
      model,
      version: entry.version,
      inputs: feeds,
      output: first === undefined ? undefined : results[first],
      outputName: first,
      ran: loaded,
    })
    if (response.kind === 'json') {
      const json = { 'content-type': 'application/json' }
      const [only] = response.pieces
      if (response.pieces.length === 1 && only !== undefined) return c.body(only, 200, json)
      return c.body(textStream(response.pieces), 200, json)
    }
    const binaryHeaders = {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(response.headerLength),
    }
    if (response.byteLength < JOIN_BINARY_BELOW) {
      return c.body(joined(response.parts, response.byteLength), 200, binaryHeaders)
    }
    return c.body(partsStream(response.parts), 200, {
      ...binaryHeaders,
      'content-length': String(response.byteLength),
    })
  }

  return new Hono()
    .get('/v2', (c) => c.json(server satisfies Schemas['ServerMetadata']))
    .get('/v2/models/:model', metadata)
    .get('/v2/models/:model/versions/:version', metadata)
    .get('/v2/models/:model/ready', ready)
    .get('/v2/models/:model/versions/:version/ready', ready)
    .post('/v2/models/:model/infer', limitJson, admit, infer)
    .post('/v2/models/:model/versions/:version/infer', limitJson, admit, infer)
}
