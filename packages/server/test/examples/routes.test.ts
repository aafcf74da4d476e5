/**
 * The examples that call routes, each run as written against a live server serving the example's own
 * config, with its upstreams played by fakes on loopback: chat through a fallback, and the official
 * OpenAI SDK pointed at modelport.
 */
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { root, runExample } from './run-example.js'

const OPENAI_API_KEY = 'sk-examples-0123456789'
const silent = { info() {}, warn() {}, error() {} }
let openai: FakeUpstream
let ollama: FakeUpstream
let server: RunningServer | undefined

/** A server on the example's modelport.yaml, its `${…}` read from `env`. */
const serveExample = (name: string, env: Record<string, string>) =>
  startServer({
    port: 0,
    builtins: false,
    modelsDir: join(root, 'examples', name, 'no-models'),
    configPath: join(root, 'examples', name, 'modelport.yaml'),
    env,
    log: silent,
    ocr: false,
  })

beforeAll(async () => {
  openai = await startFakeUpstream('openai', { dimensions: 8 })
  ollama = await startFakeUpstream('openai', { dimensions: 8 })
})
afterEach(async () => {
  await server?.close()
  server = undefined
})
afterAll(() => Promise.all([openai?.close(), ollama?.close()]))

describe('examples on routes', () => {
  it('chat-fallback is answered by Ollama, whole and streamed, while OpenAI answers 503', async () => {
    server = await serveExample('chat-fallback', {
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY,
      OLLAMA_BASE_URL: ollama.baseUrl,
    })
    // Two attempts at OpenAI for each call (one retry), then the fallback.
    openai.cue(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })))
    const lines = (await runExample('chat-fallback', server.url)).trim().split('\n')
    expect(lines).toEqual([
      'create: Hello! (from ollama/llama3.2, 3 attempts)',
      'stream: Hello! (from ollama/llama3.2)',
    ])
    expect(openai.hits).toBe(4)
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_API_KEY}`)
    expect(ollama.requests.map((request) => [request.body.model, request.body.stream ?? false])).toEqual([
      ['llama3.2', false],
      ['llama3.2', true],
    ])
  })

  it('openai-sdk: the official SDK chats, streams and embeds through modelport', async () => {
    openai.reset()
    server = await serveExample('openai-sdk', { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY })
    const lines = (await runExample('openai-sdk', server.url)).trim().split('\n')
    expect(lines).toEqual([
      'chat: Hello!',
      'stream: Hello!',
      'embeddings: 2 vectors of 8 dimensions, norms 1.000 1.000',
    ])
    expect(openai.requests.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/v1/embeddings',
    ])
    expect(openai.requests[2]?.body.model).toBe('text-embedding-3-small')
  })
})
