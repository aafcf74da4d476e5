import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createModelport,
  InternalServerError,
  ModelportError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  UserAbortError,
} from '../src/index'
import { backoff, isRetryable, retryAfter, retryDelay } from '../src/retry'
import { json, refusedPort, rejection, serve, type TestServer, v1Error } from './support/serve'

const headers = (values: Record<string, string> = {}) => new Headers(values)
const httpError = (status: number, values: Record<string, string> = {}) =>
  new ModelportError('x', { status, headers: headers(values) })

/** Milliseconds between consecutive requests the server received. */
const gaps = (server: TestServer) =>
  server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0))

describe('retryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  const cases: [string, { given: Record<string, string>; want: number | undefined }][] = [
    ['no header', { given: {}, want: undefined }],
    ['retry-after-ms', { given: { 'retry-after-ms': '250' }, want: 250 }],
    ['retry-after-ms with a fraction', { given: { 'retry-after-ms': '12.5' }, want: 12.5 }],
    [
      'retry-after-ms wins over Retry-After',
      { given: { 'retry-after-ms': '5', 'retry-after': '9' }, want: 5 },
    ],
    ['Retry-After seconds', { given: { 'retry-after': '3' }, want: 3000 }],
    ['Retry-After zero', { given: { 'retry-after': '0' }, want: 0 }],
    ['Retry-After fractional seconds', { given: { 'retry-after': '1.5' }, want: 1500 }],
    ['Retry-After HTTP date', { given: { 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }, want: 7000 }],
    ['Retry-After date in the past', { given: { 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, want: 0 }],
    ['Retry-After negative', { given: { 'retry-after': '-1' }, want: undefined }],
    ['Retry-After garbage', { given: { 'retry-after': 'soon' }, want: undefined }],
    [
      'retry-after-ms garbage falls back to Retry-After',
      { given: { 'retry-after-ms': 'x', 'retry-after': '2' }, want: 2000 },
    ],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(retryAfter(headers(given), now)).toBe(want)
  })
})

describe('backoff', () => {
  const cases: [string, { given: [retries: number, random: number]; want: number }][] = [
    ['first retry, no jitter', { given: [0, 0], want: 500 }],
    ['first retry, most jitter', { given: [0, 1], want: 375 }],
    ['second retry doubles', { given: [1, 0], want: 1000 }],
    ['fifth retry reaches the cap', { given: [4, 0], want: 8000 }],
    ['later retries stay capped', { given: [9, 0], want: 8000 }],
    ['capped, most jitter', { given: [9, 1], want: 6000 }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(backoff(...given)).toBe(want)
  })

  it('draws its jitter at random by default, within a quarter', () => {
    const waits = Array.from({ length: 200 }, () => backoff(1))
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(750)
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000)
    expect(new Set(waits).size).toBeGreaterThan(100)
  })
})

describe('retryDelay', () => {
  const cases: [string, { given: ModelportError; want: 'backoff' | number | undefined }][] = [
    ...[400, 401, 403, 404, 413, 422].map((status): [string, { given: ModelportError; want: undefined }] => [
      `${status} is not retried`,
      { given: httpError(status), want: undefined },
    ]),
    ...[408, 409, 429, 500, 502, 503, 504].map(
      (status): [string, { given: ModelportError; want: 'backoff' }] => [
        `${status} is retried`,
        { given: httpError(status), want: 'backoff' },
      ],
    ),
    ['a connection error is retried', { given: new ConnectionError('x'), want: 'backoff' }],
    ['a timeout is retried', { given: new TimeoutError('x'), want: 'backoff' }],
    ['a user abort is not', { given: new UserAbortError('x'), want: undefined }],
    [
      'x-should-retry: true wins on a 400',
      { given: httpError(400, { 'x-should-retry': 'true' }), want: 'backoff' },
    ],
    [
      'x-should-retry: false wins on a 503',
      { given: httpError(503, { 'x-should-retry': 'false' }), want: undefined },
    ],
    [
      'x-should-retry: other values are ignored',
      { given: httpError(503, { 'x-should-retry': 'maybe' }), want: 'backoff' },
    ],
    ['Retry-After up to 60 s is honoured', { given: httpError(429, { 'retry-after': '60' }), want: 60_000 }],
    [
      'Retry-After over 60 s is not waited out',
      { given: httpError(429, { 'retry-after': '61' }), want: undefined },
    ],
    ['retry-after-ms is honoured', { given: httpError(503, { 'retry-after-ms': '20' }), want: 20 }],
    [
      'Retry-After does not make a 400 retryable',
      { given: httpError(400, { 'retry-after': '1' }), want: undefined },
    ],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    const delay = retryDelay(given, 0)
    if (want === 'backoff') {
      expect(delay).toBeGreaterThanOrEqual(375)
      expect(delay).toBeLessThanOrEqual(500)
    } else expect(delay).toBe(want)
  })

  it('counts a Retry-After over 60 s as retryable, only not worth waiting for', () => {
    expect(isRetryable(httpError(429, { 'retry-after': '61' }))).toBe(true)
    expect(retryDelay(httpError(429, { 'retry-after': '61' }), 0)).toBeUndefined()
  })
})

describe('retries over HTTP', () => {
  /** A server that answers `status` (a /v1 error, with `headers`) to the first `failures` requests, then 200. */
  const flaky = (status: number, failures: number, extra: Record<string, string> = {}) =>
    serve((_req, res, index) =>
      index < failures
        ? json(res, status, v1Error(`failure ${index}`, 'server_error', `code_${status}`), {
            'x-request-id': `req-${index}`,
            ...extra,
          })
        : json(res, 200, { object: 'list', data: [] }),
    )

  const retried: [string, { given: number; want: typeof ModelportError }][] = [
    ['408', { given: 408, want: ModelportError }],
    ['409', { given: 409, want: ConflictError }],
    ['429', { given: 429, want: RateLimitError }],
    ['500', { given: 500, want: InternalServerError }],
    ['502', { given: 502, want: InternalServerError }],
    ['503', { given: 503, want: InternalServerError }],
    ['504', { given: 504, want: InternalServerError }],
  ]
  it.each(retried)('%s: three attempts by default, then the last error', async (_, { given, want }) => {
    const server = await flaky(given, 99, { 'retry-after-ms': '20' })
    const error = await rejection(createModelport({ baseUrl: server.url }).models.list())
    expect(server.requests).toHaveLength(3)
    expect(error).toBeInstanceOf(want)
    expect(error).toMatchObject({
      status: given,
      code: `code_${given}`,
      requestId: 'req-2',
      message: 'failure 2',
    })
    for (const gap of gaps(server)) expect(gap).toBeGreaterThanOrEqual(20 - 2)
  })

  it.each(retried)('%s then 200: the call succeeds', async (_, { given }) => {
    const server = await flaky(given, 2, { 'retry-after-ms': '0' })
    expect(await createModelport({ baseUrl: server.url }).models.list()).toEqual({ object: 'list', data: [] })
    expect(server.requests).toHaveLength(3)
  })

  const notRetried: [string, { given: number; want: typeof ModelportError }][] = [
    ['400', { given: 400, want: BadRequestError }],
    ['401', { given: 401, want: AuthenticationError }],
    ['403', { given: 403, want: PermissionDeniedError }],
    ['404', { given: 404, want: NotFoundError }],
    ['422', { given: 422, want: UnprocessableEntityError }],
  ]
  it.each(notRetried)('%s: one attempt, even with Retry-After', async (_, { given, want }) => {
    const server = await flaky(given, 99, { 'retry-after-ms': '0' })
    const error = await rejection(createModelport({ baseUrl: server.url, maxRetries: 5 }).models.list())
    expect(server.requests).toHaveLength(1)
    expect(error).toBeInstanceOf(want)
    expect(error.status).toBe(given)
  })

  it('waits 0.5 s then 1 s (less up to a quarter) without a Retry-After', async () => {
    const server = await flaky(503, 99)
    const error = await rejection(createModelport({ baseUrl: server.url }).models.list())
    expect(error).toBeInstanceOf(InternalServerError)
    const [first = 0, second = 0] = gaps(server)
    expect(first).toBeGreaterThanOrEqual(375 - 5)
    expect(first).toBeLessThan(500 + 150)
    expect(second).toBeGreaterThanOrEqual(750 - 5)
    expect(second).toBeLessThan(1000 + 150)
  })

  it('waits what Retry-After says, in seconds or as an HTTP date', async () => {
    const seconds = await flaky(429, 1, { 'retry-after': '1' })
    await createModelport({ baseUrl: seconds.url }).models.list()
    expect(gaps(seconds)[0]).toBeGreaterThanOrEqual(1000 - 5)
    expect(gaps(seconds)[0]).toBeLessThan(1000 + 200)

    // HTTP dates have whole seconds: two seconds ahead is a wait of more than one and at most two.
    const date = await serve((_req, res, index) =>
      index === 0
        ? json(res, 503, { error: 'busy' }, { 'retry-after': new Date(Date.now() + 2000).toUTCString() })
        : json(res, 200, { object: 'list', data: [] }),
    )
    await createModelport({ baseUrl: date.url }).models.list()
    expect(gaps(date)[0]).toBeGreaterThan(1000 - 5)
    expect(gaps(date)[0]).toBeLessThan(2000 + 200)
  })

  it('does not wait out a Retry-After over a minute: the error comes at once', async () => {
    const server = await flaky(429, 99, { 'retry-after': '120' })
    const started = performance.now()
    const error = await rejection(createModelport({ baseUrl: server.url }).models.list())
    expect(performance.now() - started).toBeLessThan(500)
    expect(server.requests).toHaveLength(1)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.headers?.get('retry-after')).toBe('120')
  })

  const verdicts: [string, { given: { status: number; verdict: string }; want: number }][] = [
    ['x-should-retry: false stops a 503', { given: { status: 503, verdict: 'false' }, want: 1 }],
    ['x-should-retry: true retries a 400', { given: { status: 400, verdict: 'true' }, want: 3 }],
  ]
  it.each(verdicts)('%s', async (_, { given, want }) => {
    const server = await flaky(given.status, 99, { 'x-should-retry': given.verdict, 'retry-after-ms': '0' })
    await rejection(createModelport({ baseUrl: server.url }).models.list())
    expect(server.requests).toHaveLength(want)
  })

  const counts: [string, { given: { client?: number; call?: number }; want: number }][] = [
    ['the default of 2 retries', { given: {}, want: 3 }],
    ['the client maxRetries', { given: { client: 4 }, want: 5 }],
    ['a per-call maxRetries', { given: { client: 4, call: 0 }, want: 1 }],
  ]
  it.each(counts)('makes as many attempts as %s allows', async (_, { given, want }) => {
    const server = await flaky(502, 99, { 'retry-after-ms': '0' })
    const mp = createModelport({ baseUrl: server.url, maxRetries: given.client })
    await rejection(mp.models.list({ maxRetries: given.call }))
    expect(server.requests).toHaveLength(want)
  })

  it('sends the same method, headers and body on every attempt', async () => {
    const server = await flaky(503, 1, { 'retry-after-ms': '0' })
    const mp = createModelport({ baseUrl: server.url, apiKey: 'sk' })
    await mp.embeddings.create({ model: 'minilm', input: ['a', 'b'] }, { headers: { 'x-trace': 't' } })
    const [first, second] = server.requests
    expect(second?.method).toBe('POST')
    expect(second?.body).toBe(first?.body)
    expect(JSON.parse(second?.body ?? '')).toEqual({ model: 'minilm', input: ['a', 'b'] })
    for (const name of ['authorization', 'content-type', 'x-trace'])
      expect(second?.headers[name]).toBe(first?.headers[name])
  })

  it('retries connection errors', async () => {
    const port = await refusedPort()
    let calls = 0
    const counting: typeof fetch = (input, init) => {
      calls++
      return globalThis.fetch(input, init)
    }
    const mp = createModelport({ baseUrl: `http://127.0.0.1:${port}`, fetch: counting, maxRetries: 1 })
    const error = await rejection(mp.models.list())
    expect(error).toBeInstanceOf(ConnectionError)
    expect(calls).toBe(2)
  })

  it('stops waiting between attempts as soon as the caller aborts', async () => {
    const server = await flaky(503, 99, { 'retry-after-ms': '10000' })
    const controller = new AbortController()
    const pending = createModelport({ baseUrl: server.url }).models.list({ signal: controller.signal })
    await server.received(1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = performance.now()
    controller.abort()
    const error = await rejection(pending)
    expect(error).toBeInstanceOf(UserAbortError)
    expect(performance.now() - started).toBeLessThan(200)
    expect(server.requests).toHaveLength(1)
  })
})
