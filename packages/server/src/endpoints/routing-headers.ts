/** `x-modelport-target` and `x-modelport-attempts`: what routing did, on every answer, errors included. */
import type { Context } from 'hono'
import type { RoutingTrace } from '../routing/route.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** What routing did, for metrics and logs: read here, not back from the response headers. */
    routing?: RoutingTrace
  }
}

export function setRoutingHeaders(c: Context, trace: RoutingTrace): void {
  c.set('routing', trace)
  c.header('x-modelport-attempts', String(trace.attempts))
  if (trace.target) c.header('x-modelport-target', trace.target)
}
