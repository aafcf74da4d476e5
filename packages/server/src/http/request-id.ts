/**
 * `x-request-id`: the client's own when it sends a usable one (at most 255 of `[A-Za-z0-9_=-]`), else a
 * fresh UUID; kept for logs and providers, and sent back on the answer. Hono's `requestId` middleware
 * does the same, but sets the header through `c.header`, which costs every answer a web `Headers` on
 * Node (see `addResponseHeader`).
 */
import type { MiddlewareHandler } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import { addResponseHeader } from './response-headers.js'

const maxLength = 255
const unusable = /[^\w\-=]/

export function requestIds(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return (c, next) => {
    let id = c.req.header('x-request-id')
    if (!id || id.length > maxLength || unusable.test(id)) id = crypto.randomUUID()
    c.set('requestId', id)
    addResponseHeader(c, 'x-request-id', id)
    return next()
  }
}
