/**
 * The Open Inference Protocol's model repository extension (`model_repository`): the index of what the
 * repository holds, and loading and unloading models while the server runs. Once the server has keys,
 * each endpoint needs an admin key: any client could otherwise unload the models everyone uses.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import { badRequest } from '../core/errors.js'
import {
  type Validator,
  RepositoryIndexRequest as validateIndexRequest,
  RepositoryModelRequest as validateModelRequest,
} from '../generated/validators.js'
import { checkBody } from '../http/body.js'
import { requireAdmin } from '../http/require-admin.js'
import type { ModelVersion } from '../lifecycle/model-version.js'
import type { ModelRegistry } from '../models/registry.js'

type Schemas = components['schemas']
type IndexState = Schemas['RepositoryIndexEntry']['state']

/** Protocol clients send these bodies empty as often as not. */
async function readOptionalJson<T>(c: Context, validate: Validator): Promise<T> {
  const text = await c.req.text()
  if (text.trim() === '') return {} as T
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw badRequest('invalid_json', `The request body is not valid JSON: ${(error as Error).message}.`)
  }
  return checkBody<T>(body, validate)
}

/** A version released when idle still takes requests (it loads for the next one), so it counts as ready. */
function indexState(version: ModelVersion): IndexState {
  if (version.accepting) return version.state === 'loading' ? 'LOADING' : 'READY'
  return version.state === 'loading' ? 'LOADING' : 'UNAVAILABLE'
}

export function repositoryRoutes(registry: ModelRegistry) {
  return new Hono()
    .post('/v2/repository/index', requireAdmin, async (c) => {
      const { ready } = await readOptionalJson<Schemas['RepositoryIndexRequest']>(c, validateIndexRequest)
      const index: Schemas['RepositoryIndex'] = []
      for (const entry of registry.list()) {
        for (const version of entry.versions) {
          const state = indexState(version)
          if (ready && state !== 'READY') continue
          index.push({ name: entry.name, version: version.version, state, reason: version.managed.reason })
        }
      }
      if (!ready) {
        for (const name of await registry.unregistered())
          index.push({ name, state: 'UNAVAILABLE', reason: 'not loaded' })
      }
      return c.json(index)
    })
    .post('/v2/repository/models/:model/load', requireAdmin, async (c) => {
      const name = c.req.param('model')
      await readOptionalJson<Schemas['RepositoryModelRequest']>(c, validateModelRequest)
      const { failed } = await registry.reload(name)
      if (failed.length > 0) {
        const versions = failed.length === 1 ? `version ${failed[0]}` : `versions ${failed.join(', ')}`
        const served = registry.version(name)
        const still = served.accepting ? ` Version ${served.version} is served.` : ''
        throw badRequest(
          'model_load_failed',
          `Model '${name}' ${versions} failed to load; the server log says why.${still}`,
          'model',
        )
      }
      return c.json({} satisfies Schemas['RepositoryModelResponse'])
    })
    .post('/v2/repository/models/:model/unload', requireAdmin, async (c) => {
      const name = c.req.param('model')
      await readOptionalJson<Schemas['RepositoryModelRequest']>(c, validateModelRequest)
      await registry.unload(name)
      return c.json({} satisfies Schemas['RepositoryModelResponse'])
    })
}
