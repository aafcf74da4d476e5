/** `x-modelport-target` and `x-modelport-attempts`: what routing did, on every answer, errors included. */
import type { Context } from 'hono'
import { addResponseHeader } from '../http/response-headers.js'
import type { RoutingTrace } from '../routing/route.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** What routing did, for metrics and logs: read here, not back from the response headers. */
    routing?: RoutingTrace
  }
}

export function setRoutingHeaders(c: Context, trace: RoutingTrace): void {
  c.set('routing', trace)
  addResponseHeader(c, 'x-modelport-attempts', String(trace.attempts))
  if (trace.target) addResponseHeader(c, 'x-modelport-target', trace.target)
}
