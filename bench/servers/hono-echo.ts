/**
 * The HTTP floor for (a): a bare Hono server on @hono/node-server that parses the same JSON body and
 * answers a small fixed JSON, with no model behind it.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/*', async (c) => {
  const body = (await c.req.json()) as { inputs?: unknown[] }
  return c.json({ received: body.inputs?.length ?? 0 })
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ ready: info.port })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
// The runner is gone (it was stopped or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))
