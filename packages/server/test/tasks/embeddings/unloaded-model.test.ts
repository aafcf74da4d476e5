/**
 * `POST /v1/embeddings` for a local model that is not in memory, on a real server with a tiny BERT:
 * released when idle, it loads again for the next request (as `/v2/.../infer` does); unloaded on
 * purpose, still loading or failing to load, it answers a 503 in the OpenAI shape that says why —
 * never a 502 that blames an upstream — and a route falls back from it to a remote target.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TINY_BERT_HIDDEN, tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { type RunningServer, type ServerOptions, startServer } from '../../../src/node.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { gate } from '../../lifecycle/support.js'
import { assertMatchesContract } from '../../support/contract.js'
import { eventually, type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js'
import { type Repository, tempRepository } from '../../support/models.js'
import { fakeVector } from '../../support/vectors.js'

interface Answer {
  data?: { embedding: number[] }[]
  error?: { message: string; type: string; code: string; param: string | null }
}

const quiet = { info() {}, warn() {}, error() {} }
let repository: Repository
let remote: FakeUpstream
let configDir: string
let server: RunningServer

async function addTinyBert(name: string, config: Record<string, unknown> = {}) {
  await repository.add(`${name}/model.onnx`, tinyBertModel())
  await repository.add(`${name}/tokenizer.json`, JSON.stringify(tinyBertTokenizer()))
  await repository.add(`${name}/model.json`, JSON.stringify({ task: 'embeddings', ...config }))
}

function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    builtins: false,
    modelsDir: repository.dir,
    configPath: join(configDir, 'config.json'),
    env: {},
    metrics: false,
    ocr: false,
    log: quiet,
    ...options,
  })
}

beforeAll(async () => {
  repository = await tempRepository()
  await addTinyBert('idle', { keep_alive_ms: 100 })
  await addTinyBert('fragile', { keep_alive_ms: 100 })
  await addTinyBert('lone')
  await addTinyBert('backed', { keep_alive_ms: 100 })
  remote = await startFakeUpstream('openai', { dimensions: TINY_BERT_HIDDEN })
  configDir = await mkdtemp(join(tmpdir(), 'modelport-unloaded-'))
  const config = {
    providers: { remote: { type: 'openai-compatible', baseUrl: remote.baseUrl } },
    // A threshold of 2 shows that local refusals do not open the local target's circuit.
    routing: { circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 } },
    routes: {
      'backed-route': {
        retry: { attempts: 1 },
        targets: [
          { provider: 'local', model: 'backed' },
          { provider: 'remote', model: 'org/backed' },
        ],
      },
      'lone-route': { targets: [{ provider: 'local', model: 'lone' }] },
    },
  }
  await writeFile(join(configDir, 'config.json'), JSON.stringify(config))
  server = await start()
})
afterAll(async () => {
  await server?.close()
  await remote?.close()
  await repository?.remove()
  await rm(configDir, { recursive: true, force: true })
})

async function embed(model: string, input: string | string[] = 'hello world', url = server.url) {
  const response = await fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, input }),
  })
  const body = (await response.json()) as Answer
  assertMatchesContract('POST', '/v1/embeddings', response.status, body)
  return { status: response.status, headers: response.headers, body }
}

const post = (path: string) => fetch(`${server.url}${path}`, { method: 'POST' })
const released = (model: string) =>
  eventually(() => server.registry.version(model).state === 'unloaded', 2000)

describe('a local embeddings model released when idle', () => {
  it('loads again for the next request and answers the same vectors', async () => {
    const before = await embed('idle', ['hello world', 'a cat'])
    expect(before.status).toBe(200)
    expect(await released('idle')).toBe(true)
    const after = await embed('idle', ['hello world', 'a cat'])
    expect(after.status).toBe(200)
    expect(after.headers.get('x-modelport-target')).toBe('local/idle')
    expect(after.body.data).toEqual(before.body.data)
    expect(server.registry.version('idle').state).toBe('ready')
  })

  it('loads once for requests that arrive together', async () => {
    await embed('idle')
    expect(await released('idle')).toBe(true)
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((text) => embed('idle', text)))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
  })

  it('serves a route from its local target again, without falling back', async () => {
    remote.reset()
    expect((await embed('backed-route')).status).toBe(200)
    expect(await released('backed')).toBe(true)
    const again = await embed('backed-route')
    expect(again.status).toBe(200)
    expect(again.headers.get('x-modelport-target')).toBe('local/backed')
    expect(remote.hits).toBe(0)
  })

  it('answers 503 naming the failure when it cannot be loaded again, as /v2 infer does', async () => {
    expect((await embed('fragile')).status).toBe(200)
    expect(await released('fragile')).toBe(true)
    await repository.add('fragile/model.onnx', 'not an onnx model')
    const answer = await embed('fragile')
    expect(answer.status).toBe(503)
    expect(answer.body.error).toEqual({
      message: "local/fragile: Model 'fragile' version 1 failed to load.",
      type: 'server_error',
      code: 'model_not_ready',
      param: null,
    })
    expect(answer.headers.get('retry-after')).toBeNull()
    const infer = await fetch(`${server.url}/v2/models/fragile/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1, 1], data: [1] }] }),
    })
    expect(infer.status).toBe(503)
  })
})

describe('a local embeddings model unloaded through the repository API', () => {
  it('answers 503 with what to do, on its own name and on a route, and serves again once loaded', async () => {
    expect((await post('/v2/repository/models/lone/unload')).status).toBe(200)
    // More refusals than the circuit's threshold: loading the model must bring it back at once.
    for (const model of ['lone', 'lone', 'lone-route', 'lone']) {
      const answer = await embed(model)
      expect(answer.status).toBe(503)
      expect(answer.body.error).toEqual({
        message:
          "local/lone: Model 'lone' version 1 is unloaded; load it with POST /v2/repository/models/lone/load.",
        type: 'server_error',
        code: 'model_not_ready',
        param: null,
      })
      expect(answer.headers.get('x-modelport-target')).toBe('local/lone')
      // lone-route may retry (2 attempts by default), but an unloaded model stays so: no wait, no retry.
      expect(answer.headers.get('x-modelport-attempts')).toBe('1')
    }
    expect((await post('/v2/repository/models/lone/load')).status).toBe(200)
    expect((await embed('lone')).status).toBe(200)
    expect((await embed('lone-route')).status).toBe(200)
  })

  it('falls back to the remote target of a route, and back to local once loaded', async () => {
    remote.reset()
    expect((await post('/v2/repository/models/backed/unload')).status).toBe(200)
    for (let i = 0; i < 3; i++) {
      const answer = await embed('backed-route', 'hello')
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-modelport-target')).toBe('remote/org/backed')
      expect(answer.headers.get('x-modelport-attempts')).toBe('2')
      expect(answer.body.data?.[0]?.embedding).toEqual(fakeVector('hello', TINY_BERT_HIDDEN))
    }
    expect(remote.hits).toBe(3)
    expect((await post('/v2/repository/models/backed/load')).status).toBe(200)
    const local = await embed('backed-route')
    expect(local.headers.get('x-modelport-target')).toBe('local/backed')
    expect(remote.hits).toBe(3)
  })
})

describe('a local embeddings model still loading', () => {
  it('answers 503 with Retry-After, then serves once loaded', async () => {
    const loading = gate()
    const onnx = onnxLoader()
    const early = await start({
      waitForModels: false,
      loader: async (file, options) => {
        await loading.promise
        return onnx(file, options)
      },
    })
    try {
      const answer = await embed('idle', 'hello', early.url)
      expect(answer.status).toBe(503)
      expect(answer.headers.get('retry-after')).toBe('1')
      expect(answer.body.error).toMatchObject({
        message: "local/idle: Model 'idle' version 1 is still loading.",
        code: 'model_not_ready',
      })
      loading.open()
      await early.loaded
      expect((await embed('idle', 'hello', early.url)).status).toBe(200)
    } finally {
      loading.open()
      await early.close()
    }
  })
})
