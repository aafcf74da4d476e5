/**
 * The rollout API, beside the repository extension: read, set and end a model's canary or shadow
 * rollout, promote its candidate or roll it back. Each changes what every client is served, so once the
 * server has keys each needs an admin key, as loading and unloading do.
 */
import type { components } from '@modelport/sdk'
import { Hono } from 'hono'
import { badRequest } from '../core/errors.js'
import { RolloutSettings as validateRolloutSettings } from '../generated/validators.js'
import { readJson } from '../http/body.js'
import { requireAdmin } from '../http/require-admin.js'
import type { ModelRegistry } from '../models/registry.js'
import {
  parseRolloutSettings,
  RolloutSettingsError,
  rolloutSettingsJson,
} from '../rollout/rollout-settings.js'
import type { RolloutView } from '../rollout/rollouts.js'

type Rollout = components['schemas']['Rollout']

function answer(model: string, view: RolloutView): Rollout {
  const { lastRollback } = view
  return {
    model,
    ...rolloutSettingsJson(view.settings),
    windows: view.windows,
    ...(lastRollback && { last_rollback: lastRollback }),
  }
}

export function rolloutRoutes(registry: ModelRegistry) {
  const { rollouts } = registry
  return new Hono()
    .get('/v2/repository/models/:model/rollout', requireAdmin, (c) => {
      const { name } = registry.entry(c.req.param('model'))
      return c.json(answer(name, rollouts.describe(name)))
    })
    .put('/v2/repository/models/:model/rollout', requireAdmin, async (c) => {
      const entry = registry.entry(c.req.param('model'))
      const body = await readJson<unknown>(c, validateRolloutSettings)
      let settings: ReturnType<typeof parseRolloutSettings>
      try {
        settings = parseRolloutSettings(body, 'body')
      } catch (error) {
        if (error instanceof RolloutSettingsError) throw badRequest('invalid_rollout', `${error.message}.`)
        throw error
      }
      const versions = entry.versions.map((v) => v.version)
      const view = rollouts.set(entry.name, settings, versions, registry.version(entry.name).version)
      return c.json(answer(entry.name, view))
    })
    .delete('/v2/repository/models/:model/rollout', requireAdmin, (c) => {
      const { name } = registry.entry(c.req.param('model'))
      rollouts.clear(name)
      return c.json(answer(name, rollouts.describe(name)))
    })
    .post('/v2/repository/models/:model/rollout/promote', requireAdmin, (c) => {
      const { name } = registry.entry(c.req.param('model'))
      return c.json(answer(name, rollouts.promote(name)))
    })
    .post('/v2/repository/models/:model/rollout/rollback', requireAdmin, (c) => {
      const { name } = registry.entry(c.req.param('model'))
      return c.json(answer(name, rollouts.rollback(name)))
    })
}
