/**
 * The body limit, checked from `Content-Length` when the request has one. Hono's `bodyLimit` reads
 * `c.req.raw.body` first, which makes @hono/node-server build a full web `Request` and stream for every
 * request (GETs included); that cost a measured ~0.1 ms per request. Bodies without a length (chunked)
 * still go through Hono's middleware, which counts them as they stream.
 */
import type { Context, MiddlewareHandler, Next } from 'hono'
import { bodyLimit as streamingLimit } from 'hono/body-limit'

export function bodyLimit(options: {
  maxSize: number
  onError: (c: Context) => Response
}): MiddlewareHandler {
  const streaming = streamingLimit(options)
  return (c: Context, next: Next) => {
    const length = c.req.header('content-length')
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > options.maxSize ? Promise.resolve(options.onError(c)) : next()
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    return streaming(c, next)
  }
}
