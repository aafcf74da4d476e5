/**
 * The client's leaving, read from Node's response `close` event. A client can be gone before the
 * route asks (it left while an async middleware, such as a Redis rate limiter, was waiting): the
 * event has fired already by then, and the route must still see the client as gone.
 */
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AbortSignalLike } from '../../src/core/cancellation.js'
import { clientSignal } from '../../src/http/client-signal.js'
import { eventually } from '../support/fake-upstream.js'

let server: ReturnType<typeof serve>
let url = ''
const seen: { path: string; signal: AbortSignalLike }[] = []

beforeAll(async () => {
  const app = new Hono<{ Bindings: { outgoing: import('node:http').ServerResponse } }>()
  app.use('/late', async (c, next) => {
    const outgoing = c.env.outgoing
    if (!outgoing.destroyed) await new Promise((done) => outgoing.once('close', done))
    await next()
  })
  const answer = (path: string) => (c: import('hono').Context) => {
    seen.push({ path, signal: clientSignal(c) })
    return c.json({ ok: true })
  }
  app.post('/late', answer('late'))
  app.post('/served', answer('served'))
  server = await new Promise((done) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s))
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((done) => server.close(done))
})

it('is aborted when the client left before the route asked for it', async () => {
  const req = request(`${url}/late`, { method: 'POST' })
  req.on('error', () => {})
  req.end('{}')
  await new Promise((done) => setTimeout(done, 50))
  req.destroy()
  expect(await eventually(() => seen.some((entry) => entry.path === 'late'), 1000)).toBe(true)
  const late = seen.find((entry) => entry.path === 'late')
  expect(late?.signal.aborted).toBe(true)
  expect(late?.signal.reason).toBeInstanceOf(DOMException)
  expect((late?.signal.reason as DOMException | undefined)?.name).toBe('AbortError')
})

it('is never aborted for a client that got its whole answer, keep-alive or not', async () => {
  const answered = await fetch(`${url}/served`, { method: 'POST', body: '{}' })
  expect(await answered.json()).toEqual({ ok: true })
  const served = seen.find((entry) => entry.path === 'served')
  await new Promise((done) => setTimeout(done, 50))
  expect(served?.signal.aborted).toBe(false)
})
