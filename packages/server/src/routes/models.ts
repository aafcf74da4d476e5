/** `GET /v1/models` and `GET /v1/models/{model}`, in the OpenAI list shape plus task, backends, versions and state. */
import type { components } from '@modelport/sdk'
import { Hono } from 'hono'
import type { ModelEntry, ModelRegistry } from '../models/registry.js'

type Model = components['schemas']['Model']

function describe(registry: ModelRegistry, entry: ModelEntry): Model {
  return {
    id: entry.name,
    object: 'model',
    created: entry.created,
    owned_by: 'modelport',
    task: entry.task,
    backends: ['local'],
    versions: entry.versions.map((v) => v.version),
    state: registry.stateOf(entry),
  }
}

export function modelRoutes(registry: ModelRegistry) {
  return new Hono()
    .get('/v1/models', (c) => {
      const body: components['schemas']['ModelList'] = {
        object: 'list',
        data: registry.list().map((entry) => describe(registry, entry)),
      }
      return c.json(body)
    })
    .get('/v1/models/:model', (c) => c.json(describe(registry, registry.entry(c.req.param('model')))))
}
