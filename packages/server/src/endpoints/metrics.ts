/** `GET /metrics`: the Prometheus text exposition, when the entry wires an exporter (the Node entry does). */
import { Hono } from 'hono'

export function metricsRoutes(render: () => Promise<{ contentType: string; body: string }>) {
  return new Hono().get('/metrics', async (c) => {
    const { contentType, body } = await render()
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' })
  })
}
