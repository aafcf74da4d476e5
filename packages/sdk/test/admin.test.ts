/**
 * `@modelport/sdk/admin` against a real modelport server with API keys: an admin key indexes, loads and
 * unloads models; an ordinary key gets a typed 403 and changes nothing; statistics are typed counts that
 * grow with each inference. A fake server pins that the functions go through the client's request core.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  loadModel,
  modelStatistics,
  type RepositoryIndex,
  repositoryIndex,
  unloadModel,
} from '../src/admin/index'
import {
  ApiPromise,
  AuthenticationError,
  createModelport,
  InternalServerError,
  type Modelport,
  NotFoundError,
  PermissionDeniedError,
} from '../src/index'
import { json, rejection, serve } from './support/serve'

/** A running modelport server, typed by hand: the SDK's project does not compile the server's sources. */
interface RunningServer {
  url: string
  close(): Promise<void>
}

const adminKey = 'sdk-admin-key-0123456789abcdef'
const plainKey = 'sdk-plain-key-0123456789abcdef'
const simplenet = fileURLToPath(new URL('../../server/models/simplenet', import.meta.url))
let repository: string
let server: RunningServer
/** Requests the clients below sent, as `METHOD path`. */
const sent: string[] = []
const client = (apiKey?: string) =>
  createModelport({
    baseUrl: server.url,
    apiKey,
    fetch: (input, init) => {
      sent.push(`${init?.method} ${new URL(String(input)).pathname}`)
      return globalThis.fetch(input, init)
    },
  })
let admin: Modelport
let plain: Modelport

beforeAll(async () => {
  repository = await mkdtemp(join(tmpdir(), 'modelport-sdk-admin-'))
  await cp(simplenet, join(repository, 'simplenet'), { recursive: true })
  const node = fileURLToPath(new URL('../../server/src/node.ts', import.meta.url))
  const { startServer } = (await import(/* @vite-ignore */ node)) as {
    startServer(options: object): Promise<RunningServer>
  }
  server = await startServer({
    port: 0,
    modelsDir: repository,
    builtins: false,
    ocr: false,
    apiKeys: [plainKey],
    adminApiKeys: [adminKey],
    log: { info() {}, warn() {}, error() {} },
  })
  // A model put in the repository after start-up: listed as not loaded until `loadModel`.
  await cp(simplenet, join(repository, 'late'), { recursive: true })
  admin = client(adminKey)
  plain = client(plainKey)
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (repository) await rm(repository, { recursive: true, force: true })
})

const x = new Float32Array(30).map((_, i) => i / 10)
const byName = (index: RepositoryIndex) => [...index].sort((a, b) => a.name.localeCompare(b.name))

describe('the repository functions with an admin key', () => {
  it('index, load, infer, unload, load again: each answer typed from the contract', async () => {
    const index = await repositoryIndex(admin)
    expect(index).toEqual([
      { name: 'simplenet', version: '1', state: 'READY', reason: '' },
      { name: 'late', state: 'UNAVAILABLE', reason: 'not loaded' },
    ])
    expect(await repositoryIndex(admin, { ready: true })).toEqual([index[0]])

    expect(await loadModel(admin, 'late')).toEqual({})
    expect(byName(await repositoryIndex(admin, { ready: true }))).toEqual([
      { name: 'late', version: '1', state: 'READY', reason: '' },
      { name: 'simplenet', version: '1', state: 'READY', reason: '' },
    ])
    const { outputs } = await admin.infer('late', { inputs: { x } })
    expect(outputs.y?.shape).toEqual([3, 10])

    expect(await unloadModel(admin, 'late')).toEqual({})
    const [entry] = (await repositoryIndex(admin)).filter(({ name }) => name === 'late')
    expect(entry).toMatchObject({ version: '1', state: 'UNAVAILABLE' })
    const unloaded = await rejection(admin.infer('late', { inputs: { x } }, { maxRetries: 0 }))
    expect(unloaded).toBeInstanceOf(InternalServerError)
    expect(unloaded.status).toBe(503)

    await loadModel(admin, 'late')
    expect((await admin.infer('late', { inputs: { x } })).outputs.y?.shape).toEqual([3, 10])
  })

  it('return ApiPromises whose withResponse() gives the HTTP response', async () => {
    const call = repositoryIndex(admin, { ready: true })
    expect(call).toBeInstanceOf(ApiPromise)
    const { data, response } = await call.withResponse()
    expect(data.map(({ name }) => name)).toContain('simplenet')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })

  it('send per-call options: a header here replaces the client’s key for that call', async () => {
    const refused = await rejection(
      loadModel(admin, 'simplenet', { headers: { authorization: `Bearer ${plainKey}` } }),
    )
    expect(refused).toBeInstanceOf(PermissionDeniedError)
    expect(await loadModel(plain, 'simplenet', { headers: { authorization: `Bearer ${adminKey}` } })).toEqual(
      {},
    )
  })

  it('reject an unknown model with a NotFoundError', async () => {
    const error = await rejection(unloadModel(admin, 'nope'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toBe("Model 'nope' does not exist.")
  })
})

describe('the repository functions with an ordinary key', () => {
  const calls: [string, (mp: Modelport) => Promise<unknown>, string][] = [
    ['repositoryIndex', (mp) => repositoryIndex(mp), 'POST /v2/repository/index'],
    ['loadModel', (mp) => loadModel(mp, 'simplenet'), 'POST /v2/repository/models/simplenet/load'],
    ['unloadModel', (mp) => unloadModel(mp, 'simplenet'), 'POST /v2/repository/models/simplenet/unload'],
  ]

  it.each(calls)('%s rejects with a PermissionDeniedError (403), sent once', async (_, call, request) => {
    sent.length = 0
    const error = await rejection(call(plain))
    expect(error).toBeInstanceOf(PermissionDeniedError)
    expect(error).toMatchObject({ status: 403, requestId: expect.any(String) })
    expect(error.message).toMatch(/need an admin API key/)
    // 403 is not retried.
    expect(sent).toEqual([request])
  })

  it('cannot unload a model: it goes on serving', async () => {
    await rejection(unloadModel(plain, 'simplenet'))
    expect((await plain.infer('simplenet', { inputs: { x } })).outputs.y?.shape).toEqual([3, 10])
  })

  it.each(calls)('%s without a key rejects with an AuthenticationError (401)', async (_, call) => {
    expect(await rejection(call(client('')))).toBeInstanceOf(AuthenticationError)
  })
})

describe('modelStatistics', () => {
  it('gives typed counts that grow with each inference, for every scope', async () => {
    const before = (await modelStatistics(plain, { model: 'simplenet' })).model_stats
    expect(before.map(({ name, version }) => `${name}/${version}`)).toEqual(['simplenet/1'])
    const [start] = before
    if (!start) throw new Error('no statistics for simplenet/1')

    await plain.infer('simplenet', { inputs: { x } })
    await plain.infer('simplenet', { inputs: { x: x.subarray(0, 10) } })

    const { model_stats } = await modelStatistics(plain, { model: 'simplenet', version: '1' })
    expect(model_stats).toHaveLength(1)
    const [after] = model_stats
    expect(after?.inference_count).toBe(start.inference_count + 4)
    expect(after?.execution_count).toBe(start.execution_count + 2)
    expect(after?.inference_stats.success.count).toBe(start.inference_stats.success.count + 2)
    expect(after?.inference_stats.compute_infer.ns).toBeGreaterThan(start.inference_stats.compute_infer.ns)
    expect(after?.last_inference).toBeGreaterThanOrEqual(start.last_inference)

    const all = await modelStatistics(plain)
    expect(all.model_stats.find(({ name }) => name === 'simplenet')?.inference_count).toBe(
      after?.inference_count,
    )
  })

  it('rejects an unknown model or version with a NotFoundError', async () => {
    expect(await rejection(modelStatistics(plain, { model: 'nope' }))).toBeInstanceOf(NotFoundError)
    expect(await rejection(modelStatistics(plain, { model: 'simplenet', version: '9' }))).toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('arguments the server never sees', () => {
  it('a version without its model is a TypeError', () => {
    // @ts-expect-error a version needs its model, for the types too
    expect(() => modelStatistics(plain, { version: '1' })).toThrow(
      new TypeError("modelStatistics(): version '1' needs the model it is a version of."),
    )
  })

  it('something other than a client is a TypeError', () => {
    const notClient = { baseUrl: 'http://localhost:8080' } as unknown as Modelport
    expect(() => loadModel(notClient, 'simplenet')).toThrow(
      new TypeError('loadModel() takes a client made by createModelport() of @modelport/sdk.'),
    )
  })
})

describe('the client’s request core', () => {
  it('retries a 503 as the client’s own methods do, and encodes model names', async () => {
    const fake = await serve((_req, res, index) =>
      index === 0
        ? json(res, 503, { error: 'busy' }, { 'retry-after-ms': '0' })
        : json(res, 200, { model_stats: [] }),
    )
    const mp = createModelport({ baseUrl: fake.url, apiKey: 'k' })
    expect(await modelStatistics(mp, { model: 'a/b', version: '1' })).toEqual({ model_stats: [] })
    expect(fake.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'GET /v2/models/a%2Fb/versions/1/stats',
      'GET /v2/models/a%2Fb/versions/1/stats',
    ])
    expect(fake.requests[1]?.headers.authorization).toBe('Bearer k')
  })

  it('times out with the per-call timeout', async () => {
    const fake = await serve(() => {})
    const mp = createModelport({ baseUrl: fake.url })
    const error = await rejection(unloadModel(mp, 'simplenet', { timeout: 50, maxRetries: 0 }))
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'timeout' })
    expect(fake.requests[0]?.body).toBe('{}')
  })
})
