/**
 * The floor: a bare Hono + undici pass-through proxy with no features, forwarding chat completions to
 * the upstream over a keep-alive pool. Bodies pass as text both ways: the fastest of the obvious ways
 * to write it (answering with the body as an ArrayBuffer measured about 0.55x of this on this machine);
 * server-sent events pass through as a stream.
 */
import { Readable } from 'node:stream'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Pool } from 'undici'

const upstream = process.argv[2] as string
const pool = new Pool(upstream, { connections: 64 })
const app = new Hono()
app.post('/v1/chat/completions', async (c) => {
  const response = await pool.request({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: c.req.header('authorization') ?? '' },
    body: await c.req.text(),
  })
  const type = String(response.headers['content-type'] ?? '')
  // Server-sent events pass through chunk by chunk, as they arrive.
  if (type.startsWith('text/event-stream')) {
    const events = Readable.toWeb(response.body) as ReadableStream<Uint8Array>
    return c.body(events, response.statusCode as 200, { 'content-type': type, 'cache-control': 'no-cache' })
  }
  return c.body(await response.body.text(), response.statusCode as 200, {
    'content-type': 'application/json',
  })
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ ready: info.port })
})
// The process's CPU time so far in µs (user and system), for the ablation's cost per request.
process.on('message', (message: { id: number; cpu?: boolean }) => {
  if (!message.cpu) return
  const { user, system } = process.cpuUsage()
  process.send?.({ id: message.id, result: user + system })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
// The runner is gone (it was stopped or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))
