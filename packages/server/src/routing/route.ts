/** A route: a model alias that clients name, served by one or more provider targets. */

import type { RetryPolicy, RouteTask } from '../config/config-types.js'
import type { ProviderV1 } from '../core/provider.js'

export interface RouteTarget {
  provider: ProviderV1
  /** The provider's own model id. */
  model: string
  /** `<provider>/<model>`: the target's name in headers, messages and circuit breakers. */
  key: string
  weight: number
}

export interface Route {
  name: string
  task: RouteTask
  strategy: 'fallback' | 'loadbalance'
  targets: RouteTarget[]
  deadlineMs: number
  retry: RetryPolicy
  /** Embeddings routes: the vector size every target gives when no `dimensions` is asked, if known. */
  dimensions?: number
}

/** What the router tells the HTTP layer about a request, for the `x-modelport-*` headers. */
export interface RoutingTrace {
  attempts: number
  /** The last target tried (the one that answered, on success). */
  target?: string
}
