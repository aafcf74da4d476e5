/**
 * Headers the server adds to every answer of a kind (the request id, what routing did). On Node they go
 * straight onto the `ServerResponse` (@hono/node-server passes it as `c.env.outgoing`), whose
 * `writeHead` merges them into whatever the route answers, errors and streams included. One
 * `c.header` instead makes Hono build a web `Headers` for the answer and @hono/node-server copy it back
 * out, which the gateway benchmark measured at about 20 µs per request for two or three headers.
 * Elsewhere (the edge, `app.request` in tests) it is `c.header`.
 */
import type { Context } from 'hono'

interface NodeResponse {
  readonly headersSent: boolean
  setHeader(name: string, value: string): unknown
}

function nodeResponseOf(env: unknown): NodeResponse | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeResponse> } | undefined)?.outgoing
  return typeof outgoing?.setHeader === 'function' && typeof outgoing.headersSent === 'boolean'
    ? (outgoing as NodeResponse)
    : undefined
}

export function addResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponseOf(c.env)
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value)
  else c.header(name, value)
}
