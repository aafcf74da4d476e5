import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BadRequestError,
  ConnectionError,
  createModelport,
  InternalServerError,
  ModelportError,
  NotFoundError,
  TimeoutError,
  UserAbortError,
} from '../src/index'
import { json, refusedPort, rejection, serve } from './support/serve'

const LIVE = { live: true }

describe('HTTP core', () => {
  let savedKey: string | undefined
  beforeEach(() => {
    savedKey = process.env.MODELPORT_API_KEY
    delete process.env.MODELPORT_API_KEY
  })
  afterEach(() => {
    if (savedKey === undefined) delete process.env.MODELPORT_API_KEY
    else process.env.MODELPORT_API_KEY = savedKey
  })

  type Auth = {
    apiKey?: string
    env?: string
    headers?: Record<string, string | null>
    call?: Record<string, string | null>
  }
  const auth: [string, { given: Auth; want: string | undefined }][] = [
    ['apiKey option', { given: { apiKey: 'sk-option' }, want: 'Bearer sk-option' }],
    ['MODELPORT_API_KEY fallback', { given: { env: 'sk-env' }, want: 'Bearer sk-env' }],
    [
      'apiKey option wins over the environment',
      { given: { apiKey: 'sk-option', env: 'sk-env' }, want: 'Bearer sk-option' },
    ],
    ['neither: no Authorization header', { given: {}, want: undefined }],
    ['empty MODELPORT_API_KEY: no Authorization header', { given: { env: '' }, want: undefined }],
    [
      'a client Authorization header (any case) over apiKey, sent once',
      { given: { apiKey: 'sk-option', headers: { Authorization: 'Basic abc' } }, want: 'Basic abc' },
    ],
    [
      'a per-call authorization header over apiKey and client headers',
      {
        given: {
          apiKey: 'sk',
          headers: { AUTHORIZATION: 'Basic client' },
          call: { authorization: 'Bearer call' },
        },
        want: 'Bearer call',
      },
    ],
    [
      'a null header removes the apiKey one',
      { given: { apiKey: 'sk', call: { Authorization: null } }, want: undefined },
    ],
  ]
  it.each(auth)('Authorization from %s', async (_, { given, want }) => {
    const server = await serve((_req, res) => json(res, 200, LIVE))
    if (given.env !== undefined) process.env.MODELPORT_API_KEY = given.env
    const mp = createModelport({ baseUrl: server.url, apiKey: given.apiKey, headers: given.headers })
    expect(await mp.health.live({ headers: given.call })).toBe(true)
    expect(server.requests[0]?.headers.authorization).toBe(want)
  })

  it('sends client and per-call headers, per-call winning', async () => {
    const server = await serve((_req, res) => json(res, 200, LIVE))
    const mp = createModelport({
      baseUrl: `${server.url}/`,
      headers: { 'x-client': 'c', 'x-both': 'client' },
    })
    await mp.health.live({ headers: { 'x-call': 'k', 'x-both': 'call' } })
    await mp.health.live()
    const [first, second] = server.requests
    expect(first?.method).toBe('GET')
    expect(first?.url).toBe('/v2/health/live')
    expect(first?.headers).toMatchObject({
      'x-client': 'c',
      'x-call': 'k',
      'x-both': 'call',
      accept: 'application/json',
    })
    expect(second?.headers).toMatchObject({ 'x-client': 'c', 'x-both': 'client' })
    expect(second?.headers['x-call']).toBeUndefined()
  })

  it('encodes model names into the path', async () => {
    const server = await serve((_req, res) => json(res, 200, { id: 'a/b' }))
    const mp = createModelport({ baseUrl: server.url })
    await mp.models.retrieve('a/b c')
    await mp.models.metadata('m', '2')
    expect(server.requests.map((r) => r.url)).toEqual(['/v1/models/a%2Fb%20c', '/v2/models/m/versions/2'])
  })

  it('throws NotFoundError with code and requestId for a /v1 404', async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        404,
        {
          error: {
            message: "Model 'nope' does not exist.",
            type: 'invalid_request_error',
            code: 'model_not_found',
            param: 'model',
          },
        },
        { 'x-request-id': 'req-123' },
      ),
    )
    const error = await rejection(createModelport({ baseUrl: server.url }).models.retrieve('nope'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).toMatchObject({
      status: 404,
      code: 'model_not_found',
      requestId: 'req-123',
      message: "Model 'nope' does not exist.",
    })
  })

  it('throws BadRequestError with the message of a /v2 error', async () => {
    const server = await serve((_req, res) => json(res, 400, { error: 'shape mismatch' }))
    const error = await rejection(createModelport({ baseUrl: server.url }).metadata())
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error.message).toBe('shape mismatch')
  })

  const timeouts: [string, { given: { client?: number; call?: number }; want: number }][] = [
    ['per-call timeout', { given: { client: 60_000, call: 200 }, want: 200 }],
    ['client timeout', { given: { client: 200 }, want: 200 }],
  ]
  it.each(timeouts)(
    'throws TimeoutError after the %s when the server never answers',
    async (_, { given, want }) => {
      const server = await serve(() => {}) // never responds; the socket is destroyed on cleanup
      const mp = createModelport({ baseUrl: server.url, timeout: given.client, maxRetries: 0 })
      const started = performance.now()
      const error = await rejection(mp.health.live(given.call === undefined ? {} : { timeout: given.call }))
      const elapsed = performance.now() - started
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error.code).toBe('timeout')
      expect(error.message).toContain(`${want} ms`)
      // A few ms of slack: Node's timers run on libuv's cached loop clock, which may lag performance.now().
      expect(elapsed).toBeGreaterThanOrEqual(want - 5)
      expect(elapsed).toBeLessThan(2000)
      expect(server.requests).toHaveLength(1)
    },
  )

  it('waits as long as the server takes with a timeout of 0, and gives fetch no signal of its own', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => json(res, 200, { name: 'modelport', version: '1', extensions: [] }), 250)
    })
    const signals: (AbortSignal | null | undefined)[] = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      signals.push(init?.signal)
      return globalThis.fetch(input, init)
    }
    const mp = createModelport({ baseUrl: server.url, timeout: 100, maxRetries: 0, fetch })
    expect((await mp.metadata({ timeout: 0 })).name).toBe('modelport')
    expect(signals).toEqual([undefined])
    // The caller's own signal still reaches fetch.
    const caller = new AbortController()
    await mp.metadata({ timeout: 0, signal: caller.signal })
    expect(signals[1]).toBe(caller.signal)
  })

  it('throws TimeoutError when the body stalls after the headers', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"name":') // and never finishes
    })
    const mp = createModelport({ baseUrl: server.url, maxRetries: 0 })
    const error = await rejection(mp.metadata({ timeout: 200 }))
    expect(error).toBeInstanceOf(TimeoutError)
  })

  it('retries a timed-out attempt, each attempt with its own timeout', async () => {
    const server = await serve((_req, res, index) => {
      if (index > 0) json(res, 200, { name: 'modelport', version: '1', extensions: [] })
    })
    const mp = createModelport({ baseUrl: server.url, timeout: 150 })
    expect((await mp.metadata()).name).toBe('modelport')
    expect(server.requests).toHaveLength(2)
    // One timeout, then a backoff of 375–500 ms.
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(150 + 375 - 5)
    expect(gap).toBeLessThan(150 + 500 + 250)
  })

  it('throws UserAbortError when the caller aborts mid-request', async () => {
    const server = await serve(() => {})
    const controller = new AbortController()
    const pending = createModelport({ baseUrl: server.url }).health.live({ signal: controller.signal })
    await server.received(1)
    const started = performance.now()
    controller.abort()
    const error = await rejection(pending)
    expect(error).toBeInstanceOf(UserAbortError)
    expect(error).not.toBeInstanceOf(TimeoutError)
    expect(error.code).toBe('aborted')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('throws UserAbortError for an already-aborted signal without sending', async () => {
    const server = await serve((_req, res) => json(res, 200, LIVE))
    const error = await rejection(
      createModelport({ baseUrl: server.url }).health.live({ signal: AbortSignal.abort() }),
    )
    expect(error).toBeInstanceOf(UserAbortError)
    expect(server.requests).toHaveLength(0)
  })

  it('throws ConnectionError naming the cause when the connection is refused', async () => {
    const port = await refusedPort()
    const mp = createModelport({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 })
    const error = await rejection(mp.health.live())
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.code).toBe('connection_error')
    expect(error.status).toBeUndefined()
    expect(error.message).toMatch(
      new RegExp(`^Could not reach http://127.0.0.1:${port}: fetch failed: .*ECONNREFUSED`),
    )
    expect(error.cause).toBeDefined()
  })

  it('throws ModelportError invalid_response for a 200 that is not JSON', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'x-request-id': 'req-html' })
      res.end('<html>proxy login</html>')
    })
    const error = await rejection(createModelport({ baseUrl: server.url }).metadata())
    expect(error.constructor).toBe(ModelportError)
    expect(error).toMatchObject({ code: 'invalid_response', status: 200, requestId: 'req-html' })
    expect(error.message).toContain('<html>proxy login</html>')
  })

  const readiness: [string, { given: { status: number; body: string }; want: boolean }][] = [
    ['200 ready', { given: { status: 200, body: '{"ready":true}' }, want: true }],
    ['503 not ready', { given: { status: 503, body: '{"ready":false}' }, want: false }],
    [
      '503 from a proxy, with HTML',
      { given: { status: 503, body: '<html>Service Unavailable</html>' }, want: false },
    ],
    ['503 with an empty body', { given: { status: 503, body: '' }, want: false }],
  ]
  it.each(readiness)('health.ready() on %s, without retrying', async (_, { given, want }) => {
    const server = await serve((_req, res) => {
      res.writeHead(given.status, {
        'content-type': given.body.startsWith('<') ? 'text/html' : 'application/json',
      })
      res.end(given.body)
    })
    expect(await createModelport({ baseUrl: server.url }).health.ready()).toBe(want)
    expect(server.requests.map((r) => r.url)).toEqual(['/v2/health/ready'])
  })

  it('health.ready() still throws on a 500', async () => {
    const server = await serve((_req, res) => json(res, 500, { error: 'boom' }))
    const error = await rejection(createModelport({ baseUrl: server.url, maxRetries: 0 }).health.ready())
    expect(error).toBeInstanceOf(InternalServerError)
  })

  it('models.ready() reads a 503 as not ready', async () => {
    const server = await serve((_req, res) => json(res, 503, { name: 'simplenet', ready: false }))
    expect(await createModelport({ baseUrl: server.url }).models.ready('simplenet', '1')).toBe(false)
    expect(server.requests[0]?.url).toBe('/v2/models/simplenet/versions/1/ready')
  })

  it('uses an injected fetch', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = []
    const injected: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), init })
      return new Response(JSON.stringify({ name: 'modelport', version: '0.1.0', extensions: [] }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    }
    // Nothing listens on this address: only the injected fetch can answer.
    const mp = createModelport({ baseUrl: 'http://modelport.invalid:1/', apiKey: 'k', fetch: injected })
    expect(await mp.metadata()).toEqual({ name: 'modelport', version: '0.1.0', extensions: [] })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.url).toBe('http://modelport.invalid:1/v2')
    expect(calls[0]?.init?.method).toBe('GET')
    expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer k')
  })

  it('withResponse() gives the HTTP response beside the data', async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        200,
        { object: 'list', data: [] },
        { 'x-request-id': 'req-9', 'x-modelport-target': 'local/m' },
      ),
    )
    const mp = createModelport({ baseUrl: server.url })
    const { data, response } = await mp.models.list().withResponse()
    expect(data).toEqual({ object: 'list', data: [] })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('req-9')
    expect(response.headers.get('x-modelport-target')).toBe('local/m')
    // The same call awaited plainly is the data, and is a real Promise.
    const plain = mp.models.list()
    expect(plain).toBeInstanceOf(Promise)
    expect(await plain).toEqual({ object: 'list', data: [] })
    await expect(plain.then((list) => list.object).finally(() => {})).resolves.toBe('list')
  })

  it('sends the query string of a call and leaves out undefined parameters', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { model: 'silero-vad', duration: 1, segments: [] }),
    )
    const mp = createModelport({ baseUrl: server.url })
    await mp.audio.vad({
      audio: new Uint8Array([1]),
      threshold: 0.25,
      min_speech_ms: undefined,
      speech_pad_ms: 0,
    })
    expect(server.requests[0]?.url).toBe('/v1/audio/vad?threshold=0.25&speech_pad_ms=0')
  })
})
