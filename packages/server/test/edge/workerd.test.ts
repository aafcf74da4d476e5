/**
 * The edge bundle, built as `pnpm build` builds it, run as a module Worker in workerd (Miniflare 3) with
 * its config and keys as bindings, against fake OpenAI-like upstreams on loopback.
 */
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeUpstream, STREAM_TEXT, startFakeUpstream } from '../support/fake-upstream.js'
import { fakeVector } from '../support/vectors.js'
import { buildEdgeBundle, type EdgeBundle } from './edge-bundle.js'
import { type EdgeWorker, startEdgeWorker } from './edge-worker.js'

const MAIN_KEY = 'sk-main-edge-0123456789'
const FLAKY_KEY = 'sk-flaky-edge-0123456789'
const CLIENT_KEY = 'mp-edge-client-0123456789'

let bundle: EdgeBundle
let main: FakeUpstream
let flaky: FakeUpstream
let worker: EdgeWorker

/** A loopback port that nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

/** YAML, as an operator would paste it into a Worker var; keys come from other bindings. */
const config = (refusedPort: number) => `
providers:
  main: { type: openai-compatible, baseUrl: \${MAIN_URL}, apiKey: \${MAIN_KEY} }
  flaky: { type: openai-compatible, baseUrl: \${FLAKY_URL}, apiKey: \${FLAKY_KEY} }
  down: { type: openai-compatible, baseUrl: "http://127.0.0.1:${refusedPort}/v1" }
routes:
  chat-default:
    targets: [{ provider: main, model: gpt-main }]
  refused-first:
    targets: [{ provider: down, model: gpt-down }, { provider: main, model: gpt-main }]
  error-first:
    targets: [{ provider: flaky, model: gpt-flaky }, { provider: main, model: gpt-main }]
  vectors:
    task: embeddings
    dimensions: 8
    targets: [{ provider: main, model: text-embed }]
routing:
  retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 5 }
`

const messages = [{ role: 'user', content: 'Hi' }]

beforeAll(async () => {
  bundle = await buildEdgeBundle()
  main = await startFakeUpstream('openai', { dimensions: 8 })
  flaky = await startFakeUpstream('openai', { dimensions: 8 })
  worker = await startEdgeWorker(bundle, {
    MODELPORT_CONFIG: config(await closedPort()),
    MAIN_URL: main.baseUrl,
    MAIN_KEY,
    FLAKY_URL: flaky.baseUrl,
    FLAKY_KEY,
  })
}, 60_000)

afterAll(async () => {
  await worker?.dispose()
  await Promise.all([main?.close(), flaky?.close()])
  await bundle?.remove()
})

describe('the edge bundle', () => {
  it('is one ES module that imports nothing: no Node built-in, ONNX Runtime or sharp inside', () => {
    expect(bundle.files).toEqual(['edge.js', 'edge.js.map'])
    expect(bundle.imports).toEqual([])
    expect(bundle.inputs.filter((file) => /onnxruntime|sharp|@img[/\\]|node:/.test(file))).toEqual([])
    expect(bundle.inputs.some((file) => file.endsWith('src/edge.ts'))).toBe(true)
    // Measured 342 kB (100 kB gzipped); the budget catches a dependency pulled in by mistake.
    expect(bundle.bytes).toBeLessThan(450_000)
    console.info(`edge.js: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped`)
  })
})

describe('in workerd', () => {
  it('answers a chat completion, with the provider key read from a binding', async () => {
    main.reset()
    const response = await worker.post('/v1/chat/completions', { model: 'chat-default', messages })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('main/gpt-main')
    expect(response.headers.get('x-modelport-attempts')).toBe('1')
    expect(response.headers.get('x-request-id')).toMatch(/\S/)
    const body = (await response.json()) as { choices: { message: { content: string } }[] }
    expect(body.choices[0]?.message.content).toBe(STREAM_TEXT.join(''))
    expect(main.requests[0]?.headers.authorization).toBe(`Bearer ${MAIN_KEY}`)
    expect(main.requests[0]?.body.model).toBe('gpt-main')
  })

  it('streams a chat completion as server-sent events, chunk by chunk, ending with [DONE]', async () => {
    const body = { model: 'chat-default', messages, stream: true }
    const response = await worker.post('/v1/chat/completions', body)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('x-modelport-target')).toBe('main/gpt-main')
    const data = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length))
    expect(data.at(-1)).toBe('[DONE]')
    const deltas = data
      .slice(0, -1)
      .map((chunk) => (JSON.parse(chunk) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta)
    expect(deltas.map((delta) => delta?.content ?? '').join('')).toBe(STREAM_TEXT.join(''))
  })

  it.each([
    ['float', (embedding: unknown) => embedding as number[]],
    [
      'base64',
      (embedding: unknown) =>
        Array.from(
          new Float32Array(Uint8Array.from(atob(embedding as string), (c) => c.charCodeAt(0)).buffer),
        ),
    ],
  ])('answers embeddings as %s', async (encoding_format, decode) => {
    const input = ['The cat sat.', 'A dog barked.']
    const response = await worker.post('/v1/embeddings', { model: 'vectors', input, encoding_format })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('main/text-embed')
    const body = (await response.json()) as { data: { index: number; embedding: unknown }[] }
    expect(body.data.map((item) => item.index)).toEqual([0, 1])
    for (const [index, item] of body.data.entries()) {
      const want = fakeVector(input[index] as string, 8)
      for (const [i, value] of decode(item.embedding).entries())
        expect(value).toBeCloseTo(want[i] as number, 6)
    }
  })

  it.each([
    ['refuses connections', 'refused-first', 0],
    ['answers 500 twice', 'error-first', 2],
  ])('falls back when the first target %s', async (_name, model, failures) => {
    flaky.reset()
    for (let i = 0; i < failures; i++) flaky.cue({ kind: 'status', status: 500 })
    const response = await worker.post('/v1/chat/completions', { model, messages })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-modelport-target')).toBe('main/gpt-main')
    // Two attempts at the first target (one retry), then the second.
    expect(response.headers.get('x-modelport-attempts')).toBe('3')
    expect(flaky.hits).toBe(failures)
  })

  it('returns an upstream 401 as is, attributed, with the echoed key redacted', async () => {
    flaky.reset()
    const echo = { error: { message: `Incorrect API key provided: ${FLAKY_KEY}.`, code: 'invalid_api_key' } }
    flaky.cue({ kind: 'status', status: 401, body: echo })
    const response = await worker.post('/v1/chat/completions', { model: 'error-first', messages })
    expect(response.status).toBe(401)
    expect(response.headers.get('x-modelport-target')).toBe('flaky/gpt-flaky')
    const text = await response.text()
    expect(text).toContain('flaky/gpt-flaky answered 401')
    expect(text).not.toContain(FLAKY_KEY)
    expect(flaky.hits).toBe(1)
  })

  it('lists only its routes, and says why local-model endpoints are not here', async () => {
    const list = await worker.fetch('/v1/models')
    const ids = ((await list.json()) as { data: { id: string }[] }).data.map((model) => model.id)
    expect(ids).toEqual(['chat-default', 'error-first', 'refused-first', 'vectors'])
    const vad = await worker.fetch('/v1/audio/vad', { method: 'POST', body: 'RIFF' })
    expect(vad.status).toBe(404)
    expect(await vad.json()).toMatchObject({ error: { code: 'local_models_unavailable' } })
    const infer = await worker.post('/v2/models/simplenet/infer', { inputs: [] })
    expect(infer.status).toBe(404)
    expect(((await infer.json()) as { error: string }).error).toMatch(
      /has none: it serves remote routes only/,
    )
    const ready = await worker.fetch('/v2/health/ready')
    expect(await ready.json()).toEqual({ ready: true })
  })

  it('needs no key when MODELPORT_API_KEYS is not set', async () => {
    expect((await worker.fetch('/v1/models')).status).toBe(200)
  })

  it('writes log lines with the route and target, never a provider key', () => {
    expect(worker.output()).toContain('"target":"flaky/gpt-flaky"')
    expect(worker.output()).not.toContain(MAIN_KEY)
    expect(worker.output()).not.toContain(FLAKY_KEY)
  })
})

describe('rate limits at the edge', () => {
  it("counts each key's requests per minute in the isolate: the third of rpm 2 is a 429", async () => {
    const limited = await startEdgeWorker(bundle, {
      MODELPORT_CONFIG: 'auth: { rpm: 2 }',
      MODELPORT_API_KEYS: CLIENT_KEY,
    })
    try {
      const authorization = `Bearer ${CLIENT_KEY}`
      const statuses: number[] = []
      for (let i = 0; i < 3; i++)
        statuses.push((await limited.fetch('/v1/models', { headers: { authorization } })).status)
      expect(statuses).toEqual([200, 200, 429])
      expect((await limited.fetch('/v1/models')).status).toBe(401)
    } finally {
      await limited.dispose()
    }
  })
})

describe('with a config that is not valid', () => {
  it('answers 500 invalid_config to every request and logs each bad field once', async () => {
    const broken = await startEdgeWorker(bundle, {
      MODELPORT_CONFIG: JSON.stringify({
        providers: {
          p: { type: 'openai-compatible', baseUrl: 'https://example.test/v1', apiKey: `$\{MISSING_KEY}` },
        },
        routes: { chat: { targets: [{ provider: 'q', model: 'm' }] } },
      }),
    })
    try {
      for (const path of ['/v1/models', '/v1/chat/completions']) {
        const response = await broken.fetch(path)
        expect(response.status).toBe(500)
        expect(await response.json()).toMatchObject({
          error: { type: 'server_error', code: 'invalid_config' },
        })
      }
    } finally {
      await broken.dispose()
    }
    const log = broken.output()
    expect(log).toContain('Invalid config MODELPORT_CONFIG')
    expect(log).toContain('environment variable MISSING_KEY is not set')
    expect(log).toContain("unknown provider 'q'")
    expect(log.match(/modelport cannot start/g)).toHaveLength(1)
  })
})
