/** The Open Inference Protocol v2 core: server and model metadata, health, and JSON tensor inference. */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import { badRequest } from '../errors.js'
import { InferenceRequest as validateInferenceRequest } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import type { ModelRegistry } from '../models/registry.js'
import type { HostTensor } from '../runtime/types.js'
import { decodeInput, encodeOutput } from '../tensors/codec.js'

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
      ready: entry.state === 'ready',
    }
    return c.json(body, entry.state === 'ready' ? 200 : 503)
  }

  const infer = async (c: Context) => {
    const { model, version } = c.req.param()
    // Resolve the model before reading the body, so an unknown model is a 404 whatever was sent.
    const { entry, model: loaded } = registry.ready(model as string, version)
    const request = await readJson<Schemas['InferenceRequest']>(c, validateInferenceRequest)

    const feeds: Record<string, HostTensor> = {}
    for (const input of request.inputs) {
      const declared = loaded.inputs.find((i) => i.name === input.name)
      if (!declared) {
        const known = loaded.inputs.map((i) => i.name).join(', ')
        throw badRequest(
          'unknown_input',
          `Model '${model}' has no input '${input.name}' (inputs: ${known}).`,
          'inputs',
        )
      }
      if (feeds[input.name])
        throw badRequest('duplicate_input', `Input '${input.name}' is given twice.`, 'inputs')
      feeds[input.name] = decodeInput(input, declared, maxTensorElements)
    }
    const missing = loaded.inputs.filter((i) => !feeds[i.name]).map((i) => i.name)
    if (missing.length > 0) {
      throw badRequest(
        'missing_input',
        `Model '${model}' needs input ${missing.map((m) => `'${m}'`).join(', ')}.`,
        'inputs',
      )
    }
    const wanted = request.outputs?.map((o) => o.name) ?? loaded.outputs.map((o) => o.name)
    for (const name of wanted) {
      if (!loaded.outputs.some((o) => o.name === name)) {
        const known = loaded.outputs.map((o) => o.name).join(', ')
        throw badRequest(
          'unknown_output',
          `Model '${model}' has no output '${name}' (outputs: ${known}).`,
          'outputs',
        )
      }
    }

    const results = await loaded.run(feeds, wanted)
    const body: Schemas['InferenceResponse'] = {
      model_name: model as string,
      model_version: entry.version,
      outputs: wanted.map((name) => encodeOutput(name, results[name] as HostTensor)),
    }
    if (request.id !== undefined) body.id = request.id
    return c.json(body)
  }

  return new Hono()
    .get('/v2', (c) => c.json(server satisfies Schemas['ServerMetadata']))
    .get('/v2/health/live', (c) => c.json({ live: true } satisfies Schemas['LiveResponse']))
    .get('/v2/health/ready', (c) => {
      const ready = registry.allLoaded
      return c.json({ ready } satisfies Schemas['ReadyResponse'], ready ? 200 : 503)
    })
    .get('/v2/models/:model', metadata)
    .get('/v2/models/:model/versions/:version', metadata)
    .get('/v2/models/:model/ready', ready)
    .get('/v2/models/:model/versions/:version/ready', ready)
    .post('/v2/models/:model/infer', infer)
    .post('/v2/models/:model/versions/:version/infer', infer)
}
