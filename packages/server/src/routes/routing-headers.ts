/** `x-modelport-target` and `x-modelport-attempts`: what routing did, on every answer, errors included. */
import type { Context } from 'hono'
import type { RoutingTrace } from '../routing/route.js'

export function setRoutingHeaders(c: Context, trace: RoutingTrace): void {
  c.header('x-modelport-attempts', String(trace.attempts))
  if (trace.target) c.header('x-modelport-target', trace.target)
}
