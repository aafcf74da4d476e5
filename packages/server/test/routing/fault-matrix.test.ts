/**
 * The fault matrix: a real modelport server routing to real upstream servers on loopback that
 * misbehave on cue. For each fault: what the client sees, how many attempts were made (header and
 * upstream hit counts), how long it took, and that no upstream request, socket or timer is left.
 *
 * Timing: connect, headers and body timeouts of 100–300 ms (undici checks them on a coarse ~0.5 s
 * timer, so each fires within about a second; the request deadline is our own exact timer), backoff
 * 20–40 ms, Retry-After honoured up to 300 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cue, eventually, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { type RoutedServer, startRoutedServer } from '../support/routed-server.js'
import { refusedUrl, unresponsiveListener } from '../support/unresponsive-listener.js'
import { fakeVector, memoryEmbeddings } from '../support/vectors.js'

const FLAKY_KEY = 'sk-live-FLAKYKEY-0123456789abcdef'
const GOOD_KEY = 'sk-live-GOODKEY-0123456789abcdef'

let flaky: FakeUpstream
let good: FakeUpstream
let hf: FakeUpstream
let blackhole: Awaited<ReturnType<typeof unresponsiveListener>>
let server: RoutedServer
const local = memoryEmbeddings({ minilm: 8 })

beforeAll(async () => {
  flaky = await startFakeUpstream('openai')
  good = await startFakeUpstream('openai')
  hf = await startFakeUpstream('huggingface', { dimensions: 8 })
  blackhole = await unresponsiveListener()
  const refused = await refusedUrl()
  server = await startRoutedServer(
    {
      providers: {
        flaky: { type: 'openai-compatible', baseUrl: flaky.baseUrl, apiKey: `\${FLAKY_KEY}` },
        good: { type: 'openai-compatible', baseUrl: good.baseUrl, apiKey: `\${GOOD_KEY}` },
        refused: { type: 'openai-compatible', baseUrl: `${refused}/v1` },
        blackhole: { type: 'openai-compatible', baseUrl: `${blackhole.url}/v1` },
        hf: {
          type: 'huggingface',
          baseUrl: hf.baseUrl,
          featureExtractionUrl: `${hf.origin}/hf-inference/models`,
        },
      },
      routing: {
        deadlineMs: 4000,
        retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 40, maxRetryAfterMs: 300 },
        circuitBreaker: { failureThreshold: 1000, cooldownMs: 1000 },
      },
      http: { connectTimeoutMs: 100, headersTimeoutMs: 300, bodyTimeoutMs: 300, keepAliveTimeoutMs: 1000 },
      routes: {
        chat: {
          targets: [
            { provider: 'flaky', model: 'gpt-a' },
            { provider: 'good', model: 'gpt-b' },
          ],
        },
        'chat-alone': { targets: [{ provider: 'flaky', model: 'gpt-a' }] },
        'chat-once': {
          retry: { attempts: 1 },
          targets: [
            { provider: 'flaky', model: 'gpt-a' },
            { provider: 'good', model: 'gpt-b' },
          ],
        },
        'chat-refused': {
          targets: [
            { provider: 'refused', model: 'gpt-r' },
            { provider: 'good', model: 'gpt-b' },
          ],
        },
        'chat-blackhole': {
          retry: { attempts: 1 },
          targets: [
            { provider: 'blackhole', model: 'gpt-t' },
            { provider: 'good', model: 'gpt-b' },
          ],
        },
        'chat-short': {
          deadlineMs: 250,
          targets: [
            { provider: 'flaky', model: 'gpt-a' },
            { provider: 'good', model: 'gpt-b' },
          ],
        },
        minilm: {
          targets: [
            { provider: 'local', model: 'minilm' },
            { provider: 'hf', model: 'sentence-transformers/minilm' },
          ],
        },
      },
    },
    { env: { FLAKY_KEY, GOOD_KEY }, localEmbeddings: local.embeddings },
  )
})

afterAll(async () => {
  await server?.close()
  await Promise.all([flaky?.close(), good?.close(), hf?.close(), blackhole?.close()])
})

async function post(path: string, body: unknown, requestId: string) {
  const started = performance.now()
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { response, text, json: JSON.parse(text), ms: performance.now() - started }
}

const hello = (model: string) => ({ model, messages: [{ role: 'user', content: 'Say hello.' }] })

interface Want {
  status: number
  code?: string
  target: string
  attempts: number
  flakyHits: number
  goodHits: number
  atLeastMs?: number
  underMs: number
}

const s = (status: number, headers?: Record<string, string>, body?: unknown): Cue => ({
  kind: 'status',
  status,
  headers,
  body,
})

const matrix: [string, string, Cue[], Want][] = [
  [
    'connection refused',
    'chat-refused',
    [],
    { status: 200, target: 'good/gpt-b', attempts: 3, flakyHits: 0, goodHits: 1, underMs: 1000 },
  ],
  [
    'connect timeout',
    'chat-blackhole',
    [],
    {
      status: 200,
      target: 'good/gpt-b',
      attempts: 2,
      flakyHits: 0,
      goodHits: 1,
      atLeastMs: 90,
      underMs: 2500,
    },
  ],
  [
    '429 with Retry-After, honoured',
    'chat-alone',
    [s(429, { 'retry-after-ms': '150' })],
    {
      status: 200,
      target: 'flaky/gpt-a',
      attempts: 2,
      flakyHits: 2,
      goodHits: 0,
      atLeastMs: 150,
      underMs: 1000,
    },
  ],
  [
    '429 with Retry-After over the cap: no wait, fall back',
    'chat',
    [s(429, { 'retry-after': '30' })],
    { status: 200, target: 'good/gpt-b', attempts: 2, flakyHits: 1, goodHits: 1, underMs: 500 },
  ],
  [
    '429 on every target',
    'chat-alone',
    [s(429, { 'retry-after': '2' })],
    {
      status: 429,
      code: 'rate_limited',
      target: 'flaky/gpt-a',
      attempts: 1,
      flakyHits: 1,
      goodHits: 0,
      underMs: 500,
    },
  ],
  [
    '500',
    'chat',
    [s(500), s(500)],
    { status: 200, target: 'good/gpt-b', attempts: 3, flakyHits: 2, goodHits: 1, underMs: 1000 },
  ],
  [
    '502',
    'chat',
    [s(502), s(502)],
    { status: 200, target: 'good/gpt-b', attempts: 3, flakyHits: 2, goodHits: 1, underMs: 1000 },
  ],
  [
    '503',
    'chat',
    [s(503), s(503)],
    { status: 200, target: 'good/gpt-b', attempts: 3, flakyHits: 2, goodHits: 1, underMs: 1000 },
  ],
  [
    '503 then recovery: retried on the same target',
    'chat',
    [s(503)],
    { status: 200, target: 'flaky/gpt-a', attempts: 2, flakyHits: 2, goodHits: 0, underMs: 1000 },
  ],
  [
    'headers never sent',
    'chat-once',
    [{ kind: 'hang' }],
    {
      status: 200,
      target: 'good/gpt-b',
      attempts: 2,
      flakyHits: 1,
      goodHits: 1,
      atLeastMs: 290,
      underMs: 1500,
    },
  ],
  [
    'a body that stalls',
    'chat-once',
    [{ kind: 'stall-body' }],
    {
      status: 200,
      target: 'good/gpt-b',
      attempts: 2,
      flakyHits: 1,
      goodHits: 1,
      atLeastMs: 290,
      underMs: 1500,
    },
  ],
  [
    'malformed JSON',
    'chat',
    [{ kind: 'malformed' }, { kind: 'malformed' }],
    { status: 200, target: 'good/gpt-b', attempts: 3, flakyHits: 2, goodHits: 1, underMs: 1000 },
  ],
  [
    '400: returned, attributed, no fallback',
    'chat',
    [
      s(
        400,
        {},
        { error: { message: "Invalid value for 'messages'.", code: 'invalid_value', param: 'messages' } },
      ),
    ],
    {
      status: 400,
      code: 'invalid_value',
      target: 'flaky/gpt-a',
      attempts: 1,
      flakyHits: 1,
      goodHits: 0,
      underMs: 500,
    },
  ],
  [
    '401: returned, attributed, no fallback',
    'chat',
    [
      s(
        401,
        {},
        {
          error: {
            message: `Incorrect API key provided: ${FLAKY_KEY}. Or sk-live-***cdef.`,
            code: 'invalid_api_key',
          },
        },
      ),
    ],
    {
      status: 401,
      code: 'invalid_api_key',
      target: 'flaky/gpt-a',
      attempts: 1,
      flakyHits: 1,
      goodHits: 0,
      underMs: 500,
    },
  ],
  [
    'every target failing: 502',
    'chat-alone',
    [s(503), s(503)],
    {
      status: 502,
      code: 'upstream_failed',
      target: 'flaky/gpt-a',
      attempts: 2,
      flakyHits: 2,
      goodHits: 0,
      underMs: 1000,
    },
  ],
  [
    'the deadline passing: 504',
    'chat-short',
    [{ kind: 'hang' }],
    {
      status: 504,
      code: 'deadline_exceeded',
      target: 'flaky/gpt-a',
      attempts: 1,
      flakyHits: 1,
      goodHits: 0,
      atLeastMs: 240,
      underMs: 900,
    },
  ],
]

describe('chat under injected faults', () => {
  it.each(matrix)('%s', async (name, route, cues, want) => {
    flaky.reset()
    good.reset()
    flaky.cue(...cues)
    const requestId = `fault-${name.replace(/\W+/g, '-')}`.slice(0, 60)
    const { response, text, json, ms } = await post('/v1/chat/completions', hello(route), requestId)

    expect(response.status).toBe(want.status)
    if (want.code) expect(json.error.code).toBe(want.code)
    else expect(json.choices[0].message.content).toBe('Hello!')
    expect(response.headers.get('x-modelport-target')).toBe(want.target)
    expect(response.headers.get('x-modelport-attempts')).toBe(String(want.attempts))
    expect(response.headers.get('x-request-id')).toBe(requestId)
    expect([flaky.hits, good.hits]).toEqual([want.flakyHits, want.goodHits])
    expect(ms).toBeGreaterThanOrEqual(want.atLeastMs ?? 0)
    expect(ms).toBeLessThan(want.underMs)
    // Rule 7: neither key, nor a masked echo of it, reaches the client.
    expect(text).not.toContain('FLAKYKEY')
    expect(text).not.toContain('sk-live-')
    // Nothing left behind: every upstream request answered or its socket closed; no routing timer.
    expect(await eventually(() => flaky.unansweredRequests() === 0 && good.unansweredRequests() === 0)).toBe(
      true,
    )
    expect(server.liveTimers()).toBe(0)
  })

  it('says why on each error, naming the target', async () => {
    flaky.reset()
    flaky.cue(s(503), s(503))
    const failed = await post('/v1/chat/completions', hello('chat-alone'), 'why-502')
    expect(failed.json.error).toEqual({
      message: "Every target of 'chat-alone' failed: flaky/gpt-a: 503 (×2).",
      type: 'upstream_error',
      code: 'upstream_failed',
      param: null,
    })
    flaky.cue(s(400, {}, { error: { message: "Invalid value for 'messages'.", param: 'messages' } }))
    const refused = await post('/v1/chat/completions', hello('chat'), 'why-400')
    expect(refused.json.error).toEqual({
      message: "flaky/gpt-a answered 400: Invalid value for 'messages'.",
      type: 'invalid_request_error',
      code: 'upstream_rejected',
      param: 'messages',
    })
    flaky.cue(s(429, { 'retry-after': '2' }))
    const limited = await post('/v1/chat/completions', hello('chat-alone'), 'why-429')
    expect(limited.response.headers.get('retry-after')).toBe('2')
  })

  it('sends the routing headers on answers that never reached a target', async () => {
    const unknown = await post('/v1/chat/completions', hello('no-such-route'), 'unknown-route')
    expect(unknown.response.status).toBe(404)
    expect(unknown.response.headers.get('x-modelport-attempts')).toBe('0')
    expect(unknown.response.headers.get('x-request-id')).toBe('unknown-route')
    const invalid = await post('/v1/chat/completions', { model: 'chat', messages: [] }, 'bad-body')
    expect(invalid.response.status).toBe(400)
    expect(invalid.response.headers.get('x-modelport-attempts')).toBe('0')
  })
})

describe('embeddings under injected faults', () => {
  it('falls back from an overloaded local model to the same space remotely', async () => {
    hf.reset()
    local.state.overloaded = true
    try {
      const { response, json } = await post(
        '/v1/embeddings',
        { model: 'minilm', input: ['a', 'b'] },
        'embed-1',
      )
      expect(response.status).toBe(200)
      expect(response.headers.get('x-modelport-target')).toBe('hf/sentence-transformers/minilm')
      // The local queue asked for 1 s, over the 300 ms cap: no retry there, straight to hf.
      expect(response.headers.get('x-modelport-attempts')).toBe('2')
      expect(json.data.map((item: { embedding: number[] }) => item.embedding)).toEqual([
        fakeVector('a', 8),
        fakeVector('b', 8),
      ])
      expect(hf.hits).toBe(1)
    } finally {
      local.state.overloaded = false
    }
  })

  it('serves locally first when the local model can', async () => {
    hf.reset()
    const { response, json } = await post('/v1/embeddings', { model: 'minilm', input: 'a' }, 'embed-2')
    expect(response.headers.get('x-modelport-target')).toBe('local/minilm')
    expect(response.headers.get('x-modelport-attempts')).toBe('1')
    expect(json.data[0].embedding).toHaveLength(8)
    expect(hf.hits).toBe(0)
  })

  it('refuses a remote answer outside the route’s space (wrong size) instead of passing it on', async () => {
    hf.reset()
    local.state.overloaded = true
    hf.cue({ kind: 'status', status: 200, body: [[0.1, 0.2, 0.3]] })
    try {
      const { response, json } = await post('/v1/embeddings', { model: 'minilm', input: 'a' }, 'embed-3')
      expect(response.status).toBe(502)
      expect(json.error.message).toBe(
        'hf/sentence-transformers/minilm sent an invalid answer: vectors of 3 dimensions where the route gives 8.',
      )
    } finally {
      local.state.overloaded = false
    }
  })
})

describe('after the faults', () => {
  it('no log line carries a provider key', () => {
    const logs = server.logLines.join('\n')
    expect(logs).toContain('upstream attempt failed')
    expect(logs).not.toContain(FLAKY_KEY)
    expect(logs).not.toContain(GOOD_KEY)
  })

  it('closing the server closes every upstream socket', async () => {
    expect(flaky.openSockets() + good.openSockets()).toBeGreaterThan(0) // the keep-alive pool
    await server.close()
    expect(await eventually(() => flaky.openSockets() + good.openSockets() + hf.openSockets() === 0)).toBe(
      true,
    )
  })
})
