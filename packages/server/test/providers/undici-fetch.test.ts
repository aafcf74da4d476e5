/**
 * Node's outbound transport (undici's dispatcher) where it differs from `fetch`: undici acts on an
 * abort only once the request holds a connection, and follows no redirect unless told to. These pin
 * that a cancellation still ends a call at once, and that redirects are followed as `fetch` did.
 */
import { createServer, type Server } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultHttp } from '../../src/config/config-types.js'
import { Cancellation } from '../../src/core/cancellation.js'
import type { FetchFunction } from '../../src/providers/provider-http.js'
import { createOutboundHttp } from '../../src/providers/undici-fetch.js'
import { eventually, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { unresponsiveListener } from '../support/unresponsive-listener.js'

const post = (fetch: FetchFunction, url: string, signal: Cancellation, body = '{}') =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer k',
      'x-api-key': 'anthropic-key',
      'x-team-key': 'custom-key',
    },
    body,
    signal,
  })

/** How long `call` takes to settle, and whether it was rejected with `reason`. */
async function settles(call: Promise<unknown>, reason: unknown) {
  const started = performance.now()
  const outcome = await call.then(
    () => 'resolved',
    (error) => (error === reason ? 'aborted' : `failed: ${String(error)}`),
  )
  return { outcome, ms: performance.now() - started }
}

describe('a cancellation ends a call that has no connection yet', () => {
  let blackhole: Awaited<ReturnType<typeof unresponsiveListener>>
  let busy: FakeUpstream
  // Connects and headers would take seconds; the cancellation must not wait for either.
  const http = createOutboundHttp({
    ...defaultHttp,
    connectTimeoutMs: 3000,
    headersTimeoutMs: 3000,
    connections: 1,
  })

  beforeAll(async () => {
    blackhole = await unresponsiveListener()
    busy = await startFakeUpstream('openai')
  })
  afterAll(async () => {
    await http.close()
    await Promise.all([blackhole?.close(), busy?.close()])
  })

  it('rejects at once with the reason of a cancellation aborted before the call', async () => {
    const cancellation = new Cancellation()
    cancellation.abort('gone before')
    const { outcome, ms } = await settles(
      post(http.fetch, `${blackhole.url}/v1/chat/completions`, cancellation),
      'gone before',
    )
    expect(outcome).toBe('aborted')
    expect(ms).toBeLessThan(500)
  })

  it('rejects when aborted while connecting, not when the connect times out', async () => {
    const cancellation = new Cancellation()
    setTimeout(() => cancellation.abort('deadline'), 100)
    const { outcome, ms } = await settles(
      post(http.fetch, `${blackhole.url}/v1/chat/completions`, cancellation),
      'deadline',
    )
    expect(outcome).toBe('aborted')
    expect(ms).toBeLessThan(1000)
  })

  it('rejects when aborted while queued for the only connection, which is never written to', async () => {
    busy.reset()
    busy.cue({ kind: 'hang' })
    const holder = new Cancellation()
    const holding = post(http.fetch, `${busy.baseUrl}/chat/completions`, holder).catch(() => {})
    expect(await eventually(() => busy.hits === 1, 1000)).toBe(true)
    const queued = new Cancellation()
    setTimeout(() => queued.abort('client gone'), 100)
    const { outcome, ms } = await settles(
      post(http.fetch, `${busy.baseUrl}/chat/completions`, queued),
      'client gone',
    )
    expect(outcome).toBe('aborted')
    expect(ms).toBeLessThan(1000)
    holder.abort('done')
    await holding
    expect(await eventually(() => busy.unansweredRequests() === 0, 1000)).toBe(true)
    // The queued request, aborted, never reached the upstream once the connection was free.
    await new Promise((done) => setTimeout(done, 50))
    expect(busy.hits).toBe(1)
  })
})

describe('redirects', () => {
  let server: Server
  let origin = ''
  const http = createOutboundHttp(defaultHttp)

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      let body = ''
      for await (const part of request) body += part
      const moved = /^\/(30[0-9])\//.exec(request.url ?? '')
      if (moved) {
        response.writeHead(Number(moved[1]), { location: `/final${request.url?.slice(4)}` })
        response.end()
        return
      }
      const elsewhere = /^\/elsewhere\/(.*)$/.exec(request.url ?? '')
      if (elsewhere) {
        // Another origin: the same server under `localhost` instead of 127.0.0.1.
        response.writeHead(307, { location: `${origin.replace('127.0.0.1', 'localhost')}/${elsewhere[1]}` })
        response.end()
        return
      }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          method: request.method,
          path: request.url,
          body,
          authorization: request.headers.authorization ?? null,
          credentials: [request.headers['x-api-key'], request.headers['x-team-key']].filter(Boolean),
        }),
      )
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await http.close()
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  })

  // 307 and 308 keep the method and body (an `http://` base URL moved to `https://`, a path moved).
  it.each([307, 308])('follows a %i with the same POST and body, as fetch does', async (status) => {
    const response = await post(
      http.fetch,
      `${origin}/${status}/v1/chat/completions`,
      new Cancellation(),
      '{"a":1}',
    )
    expect(response.status).toBe(200)
    expect(JSON.parse(await response.text())).toEqual({
      method: 'POST',
      path: '/final/v1/chat/completions',
      body: '{"a":1}',
      authorization: 'Bearer k',
      credentials: ['anthropic-key', 'custom-key'],
    })
  })

  it('follows a 303 with a GET and no body, as fetch does', async () => {
    const response = await post(http.fetch, `${origin}/303/v1/jobs`, new Cancellation(), '{"a":1}')
    expect(JSON.parse(await response.text())).toMatchObject({
      method: 'GET',
      path: '/final/v1/jobs',
      body: '',
    })
  })

  it('carries no credential header to another origin: not Authorization, x-api-key nor a custom one', async () => {
    const response = await post(http.fetch, `${origin}/elsewhere/v1/chat/completions`, new Cancellation())
    expect(JSON.parse(await response.text())).toMatchObject({
      path: '/v1/chat/completions',
      authorization: null,
      credentials: [],
    })
  })
})

describe('compressed answers and default headers', () => {
  let server: Server
  let origin = ''
  const seen: Record<string, string | string[] | undefined>[] = []
  const http = createOutboundHttp(defaultHttp)

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      for await (const _ of request);
      seen.push(request.headers)
      const status = request.url?.includes('/fail/') ? 429 : 200
      const body = JSON.stringify(
        status === 200 ? { ok: true, path: request.url } : { error: { message: 'slow down' } },
      )
      response.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      response.end(gzipSync(body))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await http.close()
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
  })

  it('asks for compression and reads gzip answers, errors included, as fetch does', async () => {
    const ok = await post(http.fetch, `${origin}/v1/embeddings`, new Cancellation())
    expect(JSON.parse(await ok.text())).toEqual({ ok: true, path: '/v1/embeddings' })
    const failed = await post(http.fetch, `${origin}/fail/v1/embeddings`, new Cancellation())
    expect(failed.status).toBe(429)
    expect(JSON.parse(await failed.text())).toEqual({ error: { message: 'slow down' } })
    expect(seen[0]?.['accept-encoding']).toContain('gzip')
  })

  it('sends one user-agent: a configured one, whatever its case, replaces modelport', async () => {
    seen.length = 0
    await (await post(http.fetch, `${origin}/v1/a`, new Cancellation())).text()
    await (
      await http.fetch(`${origin}/v1/b`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'User-Agent': 'my-app/1.0' },
        body: '{}',
        signal: new Cancellation(),
      })
    ).text()
    expect(seen.map((headers) => headers['user-agent'])).toEqual(['modelport', 'my-app/1.0'])
  })
})
