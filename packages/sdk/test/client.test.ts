import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
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

interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

type Handler = (req: Recorded, res: ServerResponse) => void

interface TestServer {
  url: string
  requests: Recorded[]
  /** Resolves when the server has received `n` requests in all. */
  received(n: number): Promise<void>
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

/** A real HTTP server on 127.0.0.1, closed (with every connection) after the test. */
async function serve(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(recorded)
      for (const waiter of waiters.filter((w) => requests.length >= w.n)) waiter.resolve()
      handler(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  )
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** Awaits a rejection and returns the error, failing the test if the promise resolves. */
async function rejection(promise: Promise<unknown>): Promise<ModelportError> {
  try {
    await promise
  } catch (error) {
    return error as ModelportError
  }
  return expect.fail('expected the call to reject')
}

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

  const auth: [string, { given: { apiKey?: string; env?: string }; want: string | undefined }][] = [
    ['apiKey option', { given: { apiKey: 'sk-option' }, want: 'Bearer sk-option' }],
    ['MODELPORT_API_KEY fallback', { given: { env: 'sk-env' }, want: 'Bearer sk-env' }],
    [
      'apiKey option wins over the environment',
      { given: { apiKey: 'sk-option', env: 'sk-env' }, want: 'Bearer sk-option' },
    ],
    ['neither: no Authorization header', { given: {}, want: undefined }],
    ['empty MODELPORT_API_KEY: no Authorization header', { given: { env: '' }, want: undefined }],
  ]
  it.each(auth)('Authorization from %s', async (_, { given, want }) => {
    const server = await serve((_req, res) => json(res, 200, LIVE))
    if (given.env !== undefined) process.env.MODELPORT_API_KEY = given.env
    const mp = createModelport({ baseUrl: server.url, apiKey: given.apiKey })
    expect(await mp.health.live()).toBe(true)
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
      const mp = createModelport({ baseUrl: server.url, timeout: given.client })
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

  it('throws TimeoutError when the body stalls after the headers', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"live":') // and never finishes
    })
    const error = await rejection(createModelport({ baseUrl: server.url }).health.live({ timeout: 200 }))
    expect(error).toBeInstanceOf(TimeoutError)
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

  it('throws ConnectionError when the connection is refused', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))

    const error = await rejection(createModelport({ baseUrl: `http://127.0.0.1:${port}` }).health.live())
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.code).toBe('connection_error')
    expect(error.status).toBeUndefined()
    expect(error.message).toContain(`127.0.0.1:${port}`)
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

  const readiness: [string, { given: { status: number; body: unknown }; want: boolean }][] = [
    ['200 ready', { given: { status: 200, body: { ready: true } }, want: true }],
    ['503 not ready', { given: { status: 503, body: { ready: false } }, want: false }],
  ]
  it.each(readiness)('health.ready() on %s', async (_, { given, want }) => {
    const server = await serve((_req, res) => json(res, given.status, given.body))
    expect(await createModelport({ baseUrl: server.url }).health.ready()).toBe(want)
    expect(server.requests[0]?.url).toBe('/v2/health/ready')
  })

  it('health.ready() still throws on a 500', async () => {
    const server = await serve((_req, res) => json(res, 500, { error: 'boom' }))
    const error = await rejection(createModelport({ baseUrl: server.url }).health.ready())
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
})

describe('infer', () => {
  const metadata = {
    name: 'simplenet',
    versions: ['1'],
    platform: 'onnx_onnxv1',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 10] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
  }

  /** A fake simplenet: metadata on GET, and on POST outputs shaped from the first input's batch. */
  async function fakeSimplenet(options: { metadataStatus?: () => number } = {}) {
    return serve((req, res) => {
      if (req.method === 'GET' && /^\/v2\/models\/simplenet(\/versions\/\d+)?$/.test(req.url)) {
        const status = options.metadataStatus?.() ?? 200
        return json(res, status, status === 200 ? metadata : { error: 'loading' })
      }
      if (req.method === 'POST' && req.url.endsWith('/infer')) {
        const body = JSON.parse(req.body)
        const batch = body.inputs[0].shape[0]
        return json(res, 200, {
          model_name: 'simplenet',
          model_version: '1',
          ...(body.id === undefined ? {} : { id: body.id }),
          outputs: [
            {
              name: 'y',
              datatype: 'FP32',
              shape: [batch, 2],
              data: Array.from({ length: batch }, (_, i) => [i + 0.5, i === 0 ? 'NaN' : -i]),
            },
            { name: 'count', datatype: 'INT64', shape: [1], data: ['9007199254740993'] },
          ],
        })
      }
      json(res, 404, { error: `no route ${req.method} ${req.url}` })
    })
  }

  const routes = (server: TestServer) => server.requests.map((r) => `${r.method} ${r.url}`)
  const bodyOf = (server: TestServer, i: number) => JSON.parse(server.requests[i]?.body ?? 'null')

  it('reads the shape from metadata once, then sends FP32 [1, 10]', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })

    const first = await mp.infer<'y' | 'count'>('simplenet', {
      inputs: { x: new Float32Array(10).fill(0.25) },
      id: 'req-1',
    })
    expect(routes(server)).toEqual(['GET /v2/models/simplenet', 'POST /v2/models/simplenet/infer'])
    expect(server.requests[1]?.headers['content-type']).toBe('application/json')
    expect(bodyOf(server, 1)).toEqual({
      id: 'req-1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(0.25) }],
    })
    expect(first.id).toBe('req-1')
    expect(first.model_name).toBe('simplenet')
    expect(first.model_version).toBe('1')
    expect(first.outputs.y.datatype).toBe('FP32')
    expect(first.outputs.y.shape).toEqual([1, 2])
    expect(first.outputs.y.data).toBeInstanceOf(Float32Array)
    expect(Array.from(first.outputs.y.data as Float32Array)).toEqual([0.5, Number.NaN])
    expect(first.outputs.count.data).toEqual(BigInt64Array.of(9007199254740993n))

    const second = await mp.infer<'y'>('simplenet', { inputs: { x: new Float32Array(20) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
      'POST /v2/models/simplenet/infer',
    ])
    expect(bodyOf(server, 2).inputs[0].shape).toEqual([2, 10])
    expect(bodyOf(server, 2).id).toBeUndefined()
    expect(second.id).toBeUndefined()
    expect(second.outputs.y.shape).toEqual([2, 2])
  })

  it('makes no metadata request with an explicit shape and datatype', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const result = await mp.infer<'y' | 'count'>('simplenet', {
      inputs: { x: { data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], shape: [1, 10], datatype: 'FP32' } },
      outputs: ['y'],
      parameters: { priority: 1 },
    })
    expect(routes(server)).toEqual(['POST /v2/models/simplenet/infer'])
    expect(bodyOf(server, 0)).toEqual({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }],
      outputs: [{ name: 'y' }],
      parameters: { priority: 1 },
    })
    expect(Object.keys(result.outputs).sort()).toEqual(['count', 'y'])
  })

  it('throws a TypeError naming the input when the data cannot fit the shape', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp.infer('simplenet', { inputs: { x: new Float32Array(7) } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toMatch(/'x'.*7 elements.*\[-1,10\]/)
    expect(routes(server)).toEqual(['GET /v2/models/simplenet'])
  })

  it('throws a TypeError for an empty array with no datatype anywhere', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp
      .infer('simplenet', { inputs: { z: { data: [], shape: [0] } } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toContain("'z'")
  })

  it('does not cache a failed metadata request', async () => {
    let status = 503
    const server = await fakeSimplenet({ metadataStatus: () => status })
    const mp = createModelport({ baseUrl: server.url })
    const error = await rejection(mp.infer('simplenet', { inputs: { x: new Float32Array(10) } }))
    expect(error).toBeInstanceOf(InternalServerError)
    status = 200
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
    ])
  })

  it('caches metadata per version', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) }, version: '1' })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) }, version: '1' })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet/versions/1',
      'POST /v2/models/simplenet/versions/1/infer',
      'POST /v2/models/simplenet/versions/1/infer',
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
    ])
  })
})
