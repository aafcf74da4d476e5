/** `GET /v1/models` and `GET /v1/models/{model}`, in the OpenAI list shape plus task, backends, versions and state. */
import type { components } from '@modelport/sdk'
import { Hono } from 'hono'
import { notFound } from '../core/errors.js'
import type { ModelEntry } from '../models/model-entry.js'
import type { ModelRegistry } from '../models/registry.js'
import type { Router } from '../routing/router.js'
import { describeRoute } from './route-models.js'

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

/**
 * Lists local models and configured routes; a route replaces a local model of the same name. Without a
 * registry (the edge build) only routes are listed.
 */
export function modelRoutes(registry: ModelRegistry | undefined, router?: Router) {
  const created = Math.floor(Date.now() / 1000)
  const routeOf = (name: string) => router?.list().find((route) => route.name === name)
  const localChatRoute = (name: string) => router?.localChatRoutes().find((route) => route.name === name)
  return new Hono()
    .get('/v1/models', (c) => {
      const configured = [...(router?.list() ?? []), ...(router?.localChatRoutes() ?? [])]
      const routes = configured.map((route) => describeRoute(router as Router, route, created))
      const local = (registry?.list() ?? [])
        .filter((entry) => !routeOf(entry.name))
        .map((entry) => describe(registry as ModelRegistry, entry))
      const body: components['schemas']['ModelList'] = {
        object: 'list',
        data: [...local, ...routes].sort((a, b) => a.id.localeCompare(b.id)),
      }
      return c.json(body)
    })
    .get('/v1/models/:model', (c) => {
      const route = routeOf(c.req.param('model')) ?? localChatRoute(c.req.param('model'))
      if (route) return c.json(describeRoute(router as Router, route, created))
      if (!registry)
        throw notFound('model_not_found', `Model '${c.req.param('model')}' does not exist.`, 'model')
      return c.json(describe(registry, registry.entry(c.req.param('model'))))
    })
}
