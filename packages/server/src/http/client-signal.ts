/**
 * The client going away, as a cancellation. On Node (@hono/node-server passes the `ServerResponse` as
 * `c.env.outgoing`) it is read from the response's `close` event: reading `c.req.raw.signal` there
 * makes an `AbortController` per request, and an `EventTarget` listener on it costs more than the
 * rest of routing (see `Cancellation`). Elsewhere it is the request's own signal.
 */
import type { Context } from 'hono'
import { type AbortSignalLike, Cancellation } from '../core/cancellation.js'

interface NodeResponse {
  readonly writableFinished: boolean
  /** True once the response has closed, `close` then already emitted. */
  readonly destroyed: boolean
  once(event: 'close', listener: () => void): unknown
}

function nodeResponseOf(env: unknown): NodeResponse | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeResponse> } | undefined)?.outgoing
  return typeof outgoing?.once === 'function' && typeof outgoing.writableFinished === 'boolean'
    ? (outgoing as NodeResponse)
    : undefined
}

export function clientSignal(c: Context): AbortSignalLike {
  const outgoing = nodeResponseOf(c.env)
  if (!outgoing) return c.req.raw.signal
  const cancellation = new Cancellation()
  // `close` follows every response; only one closed before its end means the client left.
  const closed = () => {
    if (!outgoing.writableFinished) {
      cancellation.abort(new DOMException('The client closed the connection.', 'AbortError'))
    }
  }
  // The client may have left while an async middleware (a Redis rate limit) ran: `close` is past.
  if (outgoing.destroyed) closed()
  else outgoing.once('close', closed)
  return cancellation
}
