/**
 * The Open Inference Protocol v2 core: server and model metadata, health, and tensor inference in JSON
 * or with the binary tensor data extension.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import {
  InferenceRequest as validateInferenceRequest,
  InferenceRequestHeader as validateInferenceRequestHeader,
} from '../generated/validators.js'
import { checkBody, readJson } from '../http/body.js'
import type { ModelRegistry } from '../models/registry.js'
import { splitBody } from '../tensors/binary.js'
import { decodeInputs, encodeResponse, type RequestHeader, selectOutputs } from '../tensors/request.js'

type Schemas = components['schemas']

export interface InferenceOptions {
  registry: ModelRegistry
  server: { name: string; version: string; extensions: string[] }
  /** Most elements one input tensor may have. */
  maxTensorElements: number
}

export function inferenceRoutes({ registry, server, maxTensorElements }: InferenceOptions) {
  const metadata = (c: Context) => {
    const { model, version } = c.req.param()
    const entry = registry.entry(model as string)
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

  const ready = (c: Context) => {
    const { model, version } = c.req.param()
    const entry = registry.version(model as string, version)
    const body: Schemas['ModelReadyResponse'] = {
      name: model as string,
      version: entry.version,
      // A version released when idle is ready: the next request loads it.
      ready: entry.accepting,
    }
    return c.json(body, entry.accepting ? 200 : 503)
  }

  const infer = async (c: Context) => {
    const { model, version } = c.req.param() as { model: string; version?: string }
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
    const feeds = decodeInputs(model, request, loaded.inputs, binary, maxTensorElements)
    const wanted = selectOutputs(model, request, loaded.outputs)
    const inputMs = performance.now() - decoding
    // The decoded inputs are not read again: they may move to the model's worker thread without a copy.
    const results = await loaded.run(
      feeds,
      wanted.map((w) => w.name),
      { transfer: true },
    )
    const encoding = performance.now()
    const head = { model_name: model, model_version: entry.version }
    const response = encodeResponse(
      request.id === undefined ? head : { ...head, id: request.id },
      wanted,
      results,
    )
    // The statistics' compute_input and compute_output include this side of the runtime too.
    entry.managed.recordConversion(inputMs, performance.now() - encoding)
    if (response.kind === 'json') return c.body(response.text, 200, { 'content-type': 'application/json' })
    return c.body(response.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(response.headerLength),
    })
  }

  return new Hono()
    .get('/v2', (c) => c.json(server satisfies Schemas['ServerMetadata']))
    .get('/v2/health/live', (c) => c.json({ live: true } satisfies Schemas['LiveResponse']))
    .get('/v2/health/ready', (c) => {
      const ready = registry.serving
      return c.json({ ready } satisfies Schemas['ReadyResponse'], ready ? 200 : 503)
    })
    .get('/v2/models/:model', metadata)
    .get('/v2/models/:model/versions/:version', metadata)
    .get('/v2/models/:model/ready', ready)
    .get('/v2/models/:model/versions/:version/ready', ready)
    .post('/v2/models/:model/infer', infer)
    .post('/v2/models/:model/versions/:version/infer', infer)
}
