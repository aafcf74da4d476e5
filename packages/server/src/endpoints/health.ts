/**
 * `GET /v2/health/live` and `GET /v2/health/ready`, the probes every server answers, with local models
 * or without: live while the process serves, ready as `ready()` says (503 when not).
 */
import type { components } from '@modelport/sdk'
import { Hono } from 'hono'

type Schemas = components['schemas']

export function healthRoutes(ready: () => boolean) {
  return new Hono()
    .get('/v2/health/live', (c) => c.json({ live: true } satisfies Schemas['LiveResponse']))
    .get('/v2/health/ready', (c) => {
      const isReady = ready()
      return c.json({ ready: isReady } satisfies Schemas['ReadyResponse'], isReady ? 200 : 503)
    })
}
