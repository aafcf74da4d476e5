/**
 * The one place errors become responses: `/v2` answers the Open Inference Protocol's `{"error": "…"}`,
 * everything else the OpenAI shape. Unknown errors become a bare 500 with no internal detail.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ModelportError, tooLarge } from '../core/errors.js'

export interface ErrorLogger {
  error(message: string, fields?: Record<string, unknown>): void
}

function isProtocolPath(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/')
}

export function errorBody(path: string, error: ModelportError): unknown {
  if (isProtocolPath(path)) return { error: error.message }
  return { error: { message: error.message, type: error.type, code: error.code, param: error.param } }
}

export function toModelportError(error: unknown): ModelportError | undefined {
  if (error instanceof ModelportError) return error
  if (error instanceof HTTPException && error.status === 413) return tooLarge(error.message)
  return undefined
}

export function handleError(log: ErrorLogger) {
  return (error: unknown, c: Context) => {
    const known = toModelportError(error)
    if (known) {
      if (known.retryAfter !== undefined) c.header('retry-after', String(Math.ceil(known.retryAfter)))
      return c.json(errorBody(c.req.path, known), known.status)
    }
    log.error('unhandled error', {
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
    const internal = new ModelportError(500, 'server_error', 'internal_error', 'Internal server error.')
    return c.json(errorBody(c.req.path, internal), 500)
  }
}

export function notFoundRoute(c: Context) {
  const message = `No route for ${c.req.method} ${c.req.path}.`
  const error = new ModelportError(404, 'not_found_error', 'route_not_found', message)
  return c.json(errorBody(c.req.path, error), 404)
}
