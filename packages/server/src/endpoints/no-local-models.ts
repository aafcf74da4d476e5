/**
 * The local-model endpoints of a server that has no model registry (the edge build): server metadata
 * still answers (health is `health.ts`, as on every server), and every endpoint that would run a local model answers a 404 that says why,
 * rather than a bare "no route". A 404, not a 5xx: retrying cannot help, and clients do not retry it.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import { ModelportError } from '../core/errors.js'
import { errorBody } from '../http/errors.js'

type Schemas = components['schemas']

function noLocalModels(c: Context) {
  const message =
    `${c.req.method} ${c.req.path} runs a local model, and this server has none: it serves remote routes ` +
    'only (the edge build). Send it to a modelport server on Node.'
  const error = new ModelportError(404, 'not_found_error', 'local_models_unavailable', message)
  return c.json(errorBody(c.req.path, error), 404)
}

/** `server` is reported at `GET /v2`; it lists no extensions, since there is no tensor inference. */
export function noLocalModelsRoutes(server: { name: string; version: string }) {
  return new Hono()
    .get('/v2', (c) => c.json({ ...server, extensions: [] } satisfies Schemas['ServerMetadata']))
    .all('/v2/*', noLocalModels)
    .post('/v1/ocr', noLocalModels)
    .post('/v1/audio/vad', noLocalModels)
}
