/**
 * Per-key limits through a real server and a fake upstream: requests per minute on every endpoint, and
 * tokens per minute on chat and embeddings — checked before the call, charged after it with the answer's
 * `usage.total_tokens` (or an estimate, for a stream that reports none). 429 with `Retry-After`.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertMatchesContract } from '../support/contract.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { type RoutedServer, startRoutedServer } from '../support/routed-server.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const key = (name: string) => `${name}-key-0123456789abcdef`

let upstream: FakeUpstream
let server: RoutedServer

beforeAll(async () => {
  upstream = await startFakeUpstream('openai')
  const limits: Record<string, { rpm?: number; tpm?: number }> = {
    chat: { tpm: 30 },
    estimate: { tpm: 12 },
    usage: { tpm: 20 },
    embed: { tpm: 10 },
    failing: { tpm: 12 },
    requests: { rpm: 2 },
  }
  server = await startRoutedServer({
    providers: {
      openai: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: 'sk-upstream-0123456789' },
    },
    routes: {
      chat: { retry: { attempts: 1 }, targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
      embed: {
        task: 'embeddings',
        dimensions: 8,
        targets: [{ provider: 'openai', model: 'text-embedding-3-small' }],
      },
    },
    auth: {
      keys: Object.entries(limits).map(([name, limit]) => ({ name, sha256: sha256(key(name)), ...limit })),
    },
  })
})

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

async function post(name: string, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key(name)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  // Read to the end: a stream's tokens are charged when it ends.
  const text = await response.text()
  return { status: response.status, headers: response.headers, text }
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'chat',
  messages: [{ role: 'user', content: 'Say hello.' }],
  ...extra,
})

async function statuses(name: string, path: string, body: unknown, times: number) {
  const out = []
  for (let i = 0; i < times; i++) out.push((await post(name, path, body)).status)
  return out
}

describe('tokens per minute', () => {
  it('charges the usage an answer reports, and refuses once none are left', async () => {
    // 12 tokens an answer: 0 → 12 → 24 → 36; the fourth finds none left.
    expect(await statuses('chat', '/v1/chat/completions', chat(), 3)).toEqual([200, 200, 200])
    const refused = await post('chat', '/v1/chat/completions', chat())
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const body = JSON.parse(refused.text)
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(body.error.message).toMatch(/API key 'chat' is over its limit of 30 tokens per minute/)
    assertMatchesContract('POST', '/v1/chat/completions', 429, body)
    // The client's key is the server's business: upstreams see the provider's own key only.
    expect(new Set(upstream.requests.map((r) => r.headers.authorization))).toEqual(
      new Set(['Bearer sk-upstream-0123456789']),
    )
  })

  it('estimates a stream that reports no usage from its prompt and its text', async () => {
    // "Say hello." is 3 tokens, "Hello!" 2: 5 a stream, so 0 → 5 → 10 → 15, and then none are left.
    expect(await statuses('estimate', '/v1/chat/completions', chat({ stream: true }), 4)).toEqual([
      200, 200, 200, 429,
    ])
  })

  it('charges a stream’s final usage chunk when the client asked for one', async () => {
    const body = chat({ stream: true, stream_options: { include_usage: true } })
    // 12 a stream: 0 → 12 → 24, then none.
    expect(await statuses('usage', '/v1/chat/completions', body, 3)).toEqual([200, 200, 429])
  })

  it('charges embeddings their usage', async () => {
    // The fake upstream reports 2 tokens an input: 6 a request, so 0 → 6 → 12, then none.
    const body = { model: 'embed', input: ['a', 'b', 'c'] }
    expect(await statuses('embed', '/v1/embeddings', body, 3)).toEqual([200, 200, 429])
  })

  it('charges nothing for a request the upstream refused', async () => {
    upstream.cue(
      { kind: 'status', status: 400 },
      { kind: 'status', status: 400 },
      { kind: 'status', status: 400 },
    )
    expect(await statuses('failing', '/v1/chat/completions', chat(), 3)).toEqual([400, 400, 400])
    expect(await statuses('failing', '/v1/chat/completions', chat(), 1)).toEqual([200])
  })
})

describe('requests per minute', () => {
  it('counts every endpoint and answers /v2 in its own shape', async () => {
    const get = () => fetch(`${server.url}/v2`, { headers: { authorization: `Bearer ${key('requests')}` } })
    expect((await get()).status).toBe(200)
    expect((await post('requests', '/v1/embeddings', { model: 'embed', input: 'a' })).status).toBe(200)
    const refused = await get()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
    // Two a minute: the next one is 30 s after the first.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(25)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30)
    const body = await refused.json()
    expect(body).toEqual({
      error: expect.stringMatching(/over its limit of 2 requests per minute; retry in \d+ s\./),
    })
    assertMatchesContract('GET', '/v2', 429, body)
  })
})
