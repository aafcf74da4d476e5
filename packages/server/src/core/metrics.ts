/**
 * What the server measures, as an interface with no dependency: the app, the router and the runtime
 * report through it, and the Node entry implements it with prom-client (`prometheus-metrics.ts`). The
 * default does nothing, so the edge build and tests that do not care pay nothing.
 */

/** How one upstream attempt ended: answered, failed (retryable), refused by it (client error), or skipped. */
export type AttemptOutcome = 'success' | 'failure' | 'client_error' | 'circuit_open'

/** A target's circuit breaker: closed (serving), open (skipped) or half-open (one probe let through). */
export type CircuitState = 'closed' | 'open' | 'half-open'

/** What routing reports. */
export interface RoutingMetrics {
  attempt(target: string, outcome: AttemptOutcome): void
  /** The route moved on from a target to the next one. */
  fallback(route: string): void
  /** A target is tried again after a retryable failure. */
  retry(target: string): void
}

export interface Metrics extends RoutingMetrics {
  /** One HTTP request: `route` is the route's pattern (`/v2/models/:model/infer`), never the raw path. */
  request(route: string, model: string, target: string, status: number, seconds: number): void
  /** A request refused by a key's requests- or tokens-per-minute limit. */
  rateLimited(key: string, limit: 'requests' | 'tokens'): void
  /** One run of a local model: how many rows it batched and how long the runtime took. */
  modelRun(model: string, version: string, rows: number, seconds: number): void
  /** The exposition for `GET /metrics`; absent when nothing is exported. */
  render?(): Promise<{ contentType: string; body: string }>
}

const nothing = () => {}

export const noMetrics: Metrics = {
  request: nothing,
  attempt: nothing,
  fallback: nothing,
  retry: nothing,
  rateLimited: nothing,
  modelRun: nothing,
}
