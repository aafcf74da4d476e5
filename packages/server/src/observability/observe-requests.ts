/**
 * One observation per request, when its answer is complete: the request metrics, and one access log
 * line with the request id, method, path, status, duration, model, target, attempts and key name. A
 * streamed answer is observed when its stream ends, so its duration covers the whole stream. Bodies and
 * headers are never logged.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { LogMethod } from '../core/log.js'
import type { Metrics } from '../core/metrics.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** The model or route a `/v1` request named, once it is known to exist (for metrics and logs). */
    model?: string
    /** Set by routes that answer with an event stream: the request is observed when the stream ends. */
    streaming?: boolean
  }
}

export interface RequestLog {
  info: LogMethod
  /** Health probes and scrapes are logged here, to keep them out of an info-level log. */
  debug?: LogMethod
}

export interface ObserveOptions {
  metrics: Metrics
  log?: RequestLog
}

const modelName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const quiet = new Set(['/v2/health/live', '/v2/health/ready', '/metrics'])

/** The model label: only names that exist, so clients cannot grow the label set at will. */
function modelOf(c: Context, status: number): string {
  const named = c.get('model')
  if (named !== undefined) return named
  // Refused before the model was looked up: the name is the client's, not one known to exist.
  if (status === 401 || status === 403 || status === 404) return ''
  const param = c.req.param('model')
  return param !== undefined && modelName.test(param) ? param : ''
}

/** Calls `done` once, when the body has been read to its end, failed, or been cancelled. */
function onBodyEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: ended, value } = await reader.read()
        if (ended) {
          controller.close()
          done()
        } else controller.enqueue(value)
      } catch (error) {
        controller.error(error)
        done()
      }
    },
    cancel(reason) {
      done()
      return reader.cancel(reason)
    },
  })
}

export function observeRequests({
  metrics,
  log,
}: ObserveOptions): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const matched = routePath(c, -1)
    const route = matched === '/*' || matched === '*' ? 'unmatched' : matched
    let observed = false
    const observe = () => {
      if (observed) return
      observed = true
      const seconds = (performance.now() - started) / 1000
      // Reading the response's headers or body would make @hono/node-server build a full web
      // Response for every answer; routes record what routing did as context variables instead.
      const { status } = c.res
      const model = modelOf(c, status)
      const routing = c.get('routing')
      const target = routing?.target ?? ''
      metrics.request(route, model, target, status, seconds)
      if (!log) return
      const write = quiet.has(c.req.path) ? log.debug : log.info
      write?.call(log, 'request', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round(seconds * 1e4) / 10,
        ...(model && { model }),
        ...(target && { target }),
        ...(routing && { attempts: routing.attempts }),
        ...(c.get('apiKey') && { keyName: c.get('apiKey')?.name }),
      })
    }
    const body = c.get('streaming') ? c.res.body : null
    if (body) c.res = new Response(onBodyEnd(body, observe), c.res)
    else observe()
  }
}
