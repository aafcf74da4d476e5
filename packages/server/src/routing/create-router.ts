/** A `Router` from a validated config: one provider instance per entry, shared by every route. */
import type { ModelportConfig } from '../config/config-types.js'
import type { ProviderV1 } from '../core/provider.js'
import { createProvider } from '../providers/create-provider.js'
import { createLocalProvider } from '../providers/local/index.js'
import type { FetchFunction } from '../providers/provider-http.js'
import type { Route } from './route.js'
import { Router, type RouterOptions } from './router.js'

/** What the router takes besides its routes, and the outbound HTTP for every remote provider. */
export type CreateRouterOptions = Partial<
  Pick<
    RouterOptions,
    'localEmbeddings' | 'localChat' | 'clock' | 'random' | 'log' | 'metrics' | 'onCircuitChange' | 'ablate'
  >
> & {
  /** Outbound HTTP for every remote provider (Node: undici with a keep-alive pool and timeouts). */
  fetch?: FetchFunction
}

export function createRouter(config: ModelportConfig, options: CreateRouterOptions = {}): Router {
  const providers = new Map<string, ProviderV1>(
    Object.entries(config.providers).map(([id, provider]) => [
      id,
      createProvider(id, provider, options.fetch),
    ]),
  )
  if (options.localEmbeddings || options.localChat)
    providers.set(
      'local',
      createLocalProvider({ embeddings: options.localEmbeddings, chat: options.localChat }),
    )
  const routes: Route[] = Object.entries(config.routes).map(([name, route]) => ({
    name,
    task: route.task,
    strategy: route.strategy,
    deadlineMs: route.deadlineMs,
    retry: route.retry,
    dimensions: route.dimensions,
    targets: route.targets.map((target) => {
      const provider = providers.get(target.provider)
      // loadConfig has checked every provider name; this guards a config built by hand.
      if (!provider) throw new Error(`routes.${name}: unknown provider '${target.provider}'`)
      return {
        provider,
        model: target.model,
        key: `${target.provider}/${target.model}`,
        weight: target.weight,
      }
    }),
  }))
  return new Router({
    routes,
    localEmbeddings: options.localEmbeddings,
    localChat: options.localChat,
    defaults: { deadlineMs: config.routing.deadlineMs, retry: config.routing.retry },
    circuitBreaker: config.routing.circuitBreaker,
    clock: options.clock,
    random: options.random,
    log: options.log,
    metrics: options.metrics,
    onCircuitChange: options.onCircuitChange,
    ablate: options.ablate,
  })
}
