/**
 * Rule 3 end to end (a target's circuit opens after consecutive failures, skips it while open, and a
 * half-open probe closes it), and the answers of the routed endpoints checked against the contract.
 * In-process through `app.request()`, with real upstreams on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/load-config.js'
import { ModelRegistry } from '../../src/models/registry.js'
import { createOutboundHttp } from '../../src/providers/undici-fetch.js'
import { createRouter } from '../../src/routing/create-router.js'
import type { Router } from '../../src/routing/router.js'
import { send } from '../support/app.js'
import { assertMatchesContract } from '../support/contract.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { memoryEmbeddings } from '../support/vectors.js'

let flaky: FakeUpstream
let good: FakeUpstream
let router: Router
let app: ReturnType<typeof createApp>
const http = createOutboundHttp(loadConfig('{}').http)
const circuitChanges: string[] = []

beforeAll(async () => {
  flaky = await startFakeUpstream('openai')
  good = await startFakeUpstream('openai', { dimensions: 8 })
  const config = loadConfig(
    JSON.stringify({
      providers: {
        flaky: { type: 'openai-compatible', baseUrl: flaky.baseUrl },
        good: { type: 'openai-compatible', baseUrl: good.baseUrl },
      },
      routing: {
        retry: { attempts: 1 },
        circuitBreaker: { failureThreshold: 2, cooldownMs: 400 },
      },
      routes: {
        chat: {
          targets: [
            { provider: 'flaky', model: 'a' },
            { provider: 'good', model: 'b' },
          ],
        },
        'flaky-only': { targets: [{ provider: 'flaky', model: 'a' }] },
        minilm: { targets: [{ provider: 'local', model: 'minilm' }] },
      },
    }),
    { localEmbeddings: memoryEmbeddings({ minilm: 8 }).embeddings },
  )
  router = createRouter(config, {
    fetch: http.fetch,
    localEmbeddings: memoryEmbeddings({ minilm: 8 }).embeddings,
    onCircuitChange: (target, state) => circuitChanges.push(`${target}:${state}`),
  })
  app = createApp({
    registry: new ModelRegistry({ loader: async () => Promise.reject(new Error('no models')) }),
    router,
    log: { error() {} },
  })
})

afterAll(async () => {
  await http.close()
  await Promise.all([flaky?.close(), good?.close()])
})

const chat = async (model: string) => {
  const res = await send(app, 'POST', '/v1/chat/completions', {
    model,
    messages: [{ role: 'user', content: 'hi' }],
  })
  assertMatchesContract('POST', '/v1/chat/completions', res.status, res.body)
  return res
}

describe('rule 3: a circuit breaker per target', () => {
  it('opens after consecutive failures, skips the target while open, and a probe closes it', async () => {
    flaky.cue({ kind: 'status', status: 503 }, { kind: 'status', status: 503 })
    expect((await chat('chat')).headers.get('x-modelport-attempts')).toBe('2')
    expect((await chat('chat')).headers.get('x-modelport-attempts')).toBe('2')
    expect(flaky.hits).toBe(2)
    expect(router.circuits()).toContainEqual(expect.objectContaining({ target: 'flaky/a', state: 'open' }))

    // Open: flaky is not even tried.
    const skipped = await chat('chat')
    expect(skipped.headers.get('x-modelport-target')).toBe('good/b')
    expect(skipped.headers.get('x-modelport-attempts')).toBe('1')
    expect(flaky.hits).toBe(2)

    // A route with only that target has nothing to try: 503 with Retry-After, and the model says so.
    const unavailable = await chat('flaky-only')
    expect(unavailable.status).toBe(503)
    expect((unavailable.body as { error: { code: string } }).error.code).toBe('no_target_available')
    expect(unavailable.headers.get('retry-after')).toBe('1')
    const model = await send(app, 'GET', '/v1/models/flaky-only')
    expect((model.body as { state: string }).state).toBe('unavailable')

    // After the cooldown one probe goes through; it succeeds and the circuit closes.
    await new Promise((done) => setTimeout(done, 420))
    const probe = await chat('chat')
    expect(probe.headers.get('x-modelport-target')).toBe('flaky/a')
    expect(flaky.hits).toBe(3)
    expect(circuitChanges).toEqual(['flaky/a:open', 'flaky/a:half-open', 'flaky/a:closed'])
  })
})

describe('the routed endpoints answer in the contract’s shapes', () => {
  it('chat, errors included', async () => {
    expect((await chat('chat')).status).toBe(200)
    flaky.cue({ kind: 'status', status: 500 })
    expect((await chat('flaky-only')).status).toBe(502)
    expect((await chat('nope')).status).toBe(404)
  })

  it.each([
    [{ model: 'minilm', input: ['a', 'b'] }, 200],
    [{ model: 'minilm', input: 'a', encoding_format: 'base64' }, 200],
    [{ model: 'minilm', input: [1, 2, 3] }, 400],
    [{ model: 'chat', input: 'a' }, 400],
    [{ model: 'minilm', input: [] }, 400],
  ])('embeddings %j → %i', async (body, status) => {
    const res = await send(app, 'POST', '/v1/embeddings', body)
    expect(res.status).toBe(status)
    assertMatchesContract('POST', '/v1/embeddings', res.status, res.body)
  })

  it('models: routes listed with task and backends', async () => {
    const res = await send(app, 'GET', '/v1/models')
    assertMatchesContract('GET', '/v1/models', res.status, res.body)
    const ids = (res.body as { data: { id: string; backends: string[] }[] }).data.map(
      (m) => `${m.id}=${m.backends}`,
    )
    expect(ids).toEqual(['chat=flaky/a,good/b', 'flaky-only=flaky/a', 'minilm=local/minilm'])
  })
})
