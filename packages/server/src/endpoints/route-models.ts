/** Routes as `/v1/models` entries: task chat or embeddings, `backends` = targets as `<provider>/<model>`. */
import type { components } from '@modelport/sdk'
import type { Route } from '../routing/route.js'
import type { Router } from '../routing/router.js'

type Model = components['schemas']['Model']

export function describeRoute(router: Router, route: Route, created: number): Model {
  return {
    id: route.name,
    object: 'model',
    created,
    owned_by: 'modelport',
    task: route.task,
    backends: route.targets.map((target) => target.key),
    versions: [],
    // Every circuit open: nothing will be tried until a cooldown ends.
    state: router.unavailable(route)
      ? 'unavailable'
      : route.targets.length === 1 && route.targets[0]?.key === `local/${route.name}`
        ? (router.localChatState(route.name) ?? 'ready')
        : 'ready',
  }
}
