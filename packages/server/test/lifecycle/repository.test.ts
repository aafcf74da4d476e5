/**
 * The repository and statistics extensions over HTTP (in process, real ONNX sessions): the index,
 * loading a new version while serving, unloading and loading again, what a broken model answers, and
 * per-version statistics, each answer checked against the contract.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { ModelRegistry } from '../../src/models/registry.js'
import { repositoryReader, scanRepository } from '../../src/models/repository.js'
import { onnxLoader } from '../../src/runtime/onnx/session.js'
import { send } from '../support/app.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

let repo: Repository
let registry: ModelRegistry
let app: ReturnType<typeof createApp>
const warnings: unknown[] = []

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('flat/model.onnx', scaleModel(3))
  registry = new ModelRegistry({
    loader: onnxLoader(),
    repository: repositoryReader(repo.dir),
    retireDelayMs: 20,
    log: { info() {}, warn: (_message, fields) => warnings.push(fields) },
  })
  registry.add((await scanRepository(repo.dir)).models)
  await registry.loadAll()
  app = createApp({ registry, log: { error() {} } })
})
afterAll(async () => {
  await registry.close()
  await repo.remove()
})

const infer = (model: string, x = [1, 2, 3, 4]) =>
  send(app, 'POST', `/v2/models/${model}/infer`, {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: x }],
  })

type Index = { name: string; version?: string; state: string; reason: string }[]

async function index(body?: unknown) {
  const res = await send(app, 'POST', '/v2/repository/index', body)
  assertMatchesContract('POST', '/v2/repository/index', res.status, res.body)
  return res.body as Index
}

async function load(model: string, body?: unknown) {
  const res = await send(app, 'POST', `/v2/repository/models/${model}/load`, body)
  assertMatchesContract('POST', '/v2/repository/models/{model}/load', res.status, res.body)
  return res
}

describe('the server advertises the extensions', () => {
  it('lists model_repository and statistics in GET /v2', async () => {
    const res = await send(app, 'GET', '/v2')
    expect((res.body as { extensions: string[] }).extensions).toEqual(
      expect.arrayContaining(['model_repository', 'statistics']),
    )
  })
})

describe('the repository index', () => {
  it('lists every version, and repository models that are not loaded', async () => {
    await repo.add('later/1/model.onnx', scaleModel(5))
    expect(await index()).toEqual([
      { name: 'flat', version: '1', state: 'READY', reason: '' },
      { name: 'scale', version: '1', state: 'READY', reason: '' },
      { name: 'later', state: 'UNAVAILABLE', reason: 'not loaded' },
    ])
    expect(await index({ ready: true })).toHaveLength(2)
    expect(await index('{}')).toHaveLength(3)
  })

  it.each([
    ['not JSON', '{ready', /not valid JSON/],
    ['a wrong type', { ready: 'yes' }, /body\.ready must be boolean/],
    ['an array', [], /body must be object/],
  ])('refuses a body that is %s, with a 400 that says why', async (_, body, message) => {
    const res = await send(app, 'POST', '/v2/repository/index', body)
    expect(res.status).toBe(400)
    assertMatchesContract('POST', '/v2/repository/index', 400, res.body)
    expect((res.body as { error: string }).error).toMatch(message)
  })
})

describe('loading', () => {
  it('loads a model that was not loaded', async () => {
    expect((await infer('later')).status).toBe(404)
    const res = await load('later')
    expect([res.status, res.body]).toEqual([200, {}])
    expect((await infer('later')).body).toMatchObject({ outputs: [{ data: [5, 10, 15, 20] }] })
  })

  it('rolls out a new version folder: the new version serves, the old one is released and loads on demand', async () => {
    await repo.add('scale/2/model.onnx', scaleModel(2))
    expect((await load('scale', {})).status).toBe(200)
    const served = await infer('scale')
    expect(served.body).toMatchObject({ model_version: '2', outputs: [{ data: [2, 4, 6, 8] }] })
    await new Promise((done) => setTimeout(done, 60))
    const rows = (await index()).filter((row) => row.name === 'scale')
    expect(rows).toEqual([
      {
        name: 'scale',
        version: '1',
        state: 'READY',
        reason: 'version 2 is served now; this one loads again when asked for',
      },
      { name: 'scale', version: '2', state: 'READY', reason: '' },
    ])
    expect(registry.version('scale', '1').state).toBe('unloaded')
    const pinned = await send(app, 'POST', '/v2/models/scale/versions/1/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }],
    })
    expect(pinned.body).toMatchObject({ model_version: '1', outputs: [{ data: [1, 2, 3, 4] }] })
    expect(registry.version('scale', '1').state).toBe('ready')
  })

  it('keeps serving the previous version when a new one fails to load, and says so', async () => {
    await repo.add('scale/3/model.onnx', 'not an onnx file')
    const res = await load('scale')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: "Model 'scale' version 3 failed to load; the server log says why. Version 2 is served.",
    })
    expect(JSON.stringify(res.body)).not.toContain(repo.dir)
    expect(warnings.at(-1)).toMatchObject({ model: 'scale', version: '3' })
    expect((await infer('scale')).body).toMatchObject({ model_version: '2' })
    expect((await index()).find((row) => row.version === '3')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: 'failed to load; the server log says why',
    })
    await rm(join(repo.dir, 'scale', '3'), { recursive: true })
    expect((await load('scale')).status).toBe(200)
    expect(registry.entry('scale').versions.map((v) => v.version)).toEqual(['1', '2'])
  })

  it('refuses a model whose model.json is wrong, naming the field', async () => {
    await repo.add('broken/model.onnx', scaleModel(1))
    await repo.add('broken/model.json', JSON.stringify({ keep_alive_ms: -5 }))
    const res = await load('broken')
    expect(res.status).toBe(400)
    expect((res.body as { error: string }).error).toBe(
      "Model 'broken' cannot be loaded: keep_alive_ms must be a whole number of milliseconds of at least 1, or false.",
    )
  })

  it.each([
    ['an unknown model', 'nope', 404, "Model 'nope' is not in the model repository."],
    ['a name that is not plain', '.hidden', 400, /Model name ".hidden" is not valid/],
  ])('answers %s', async (_, name, status, message) => {
    const res = await load(name)
    expect(res.status).toBe(status)
    expect((res.body as { error: string }).error).toMatch(message)
  })

  it('removes a model whose folder is gone', async () => {
    await rm(join(repo.dir, 'later'), { recursive: true })
    expect((await load('later')).status).toBe(200)
    expect((await infer('later')).status).toBe(404)
  })
})

describe('unloading', () => {
  it('unloads every version: requests get 503 until it is loaded again, and readiness stays up', async () => {
    const res = await send(app, 'POST', '/v2/repository/models/flat/unload')
    assertMatchesContract('POST', '/v2/repository/models/{model}/unload', 200, res.body)
    expect([res.status, res.body]).toEqual([200, {}])
    const refused = await infer('flat')
    expect(refused.status).toBe(503)
    assertMatchesContract('POST', '/v2/models/{model}/infer', 503, refused.body)
    expect(refused.body).toEqual({
      error: "Model 'flat' version 1 is unloaded; load it with POST /v2/repository/models/flat/load.",
    })
    expect((await send(app, 'GET', '/v2/models/flat/ready')).status).toBe(503)
    expect((await send(app, 'GET', '/v1/models/flat')).body).toMatchObject({ state: 'unloaded' })
    expect((await send(app, 'GET', '/v2/health/ready')).status).toBe(200)
    expect((await load('flat')).status).toBe(200)
    expect((await infer('flat')).status).toBe(200)
  })

  it('answers 404 for an unknown model', async () => {
    const res = await send(app, 'POST', '/v2/repository/models/nope/unload', {})
    expect(res.status).toBe(404)
    assertMatchesContract('POST', '/v2/repository/models/{model}/unload', 404, res.body)
  })
})

describe('statistics', () => {
  it('reports every version in the protocol shape, counting rows, failures and executions', async () => {
    await send(app, 'POST', '/v2/models/scale/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: Array(12).fill(1) }],
    })
    const before = await send(app, 'GET', '/v2/models/scale/versions/2/stats')
    assertMatchesContract('GET', '/v2/models/{model}/versions/{version}/stats', 200, before.body)
    const [stat] = (before.body as { model_stats: Record<string, never>[] }).model_stats
    expect(stat).toMatchObject({ name: 'scale', version: '2', inference_count: 5, execution_count: 3 })
    expect(stat?.last_inference).toBeGreaterThan(Date.now() - 60_000)

    const all = await send(app, 'GET', '/v2/models/stats')
    assertMatchesContract('GET', '/v2/models/stats', 200, all.body)
    const names = (all.body as { model_stats: { name: string; version: string }[] }).model_stats.map(
      (s) => `${s.name}/${s.version}`,
    )
    expect(names).toEqual(['flat/1', 'scale/1', 'scale/2'])

    const model = await send(app, 'GET', '/v2/models/scale/stats')
    assertMatchesContract('GET', '/v2/models/{model}/stats', 200, model.body)
    expect((model.body as { model_stats: unknown[] }).model_stats).toHaveLength(2)
  })

  it.each([
    ['/v2/models/nope/stats', '/v2/models/{model}/stats', 404],
    ['/v2/models/scale/versions/9/stats', '/v2/models/{model}/versions/{version}/stats', 404],
    ['/v2/models/scale/versions/x/stats', '/v2/models/{model}/versions/{version}/stats', 400],
  ])('GET %s (%s) answers %i', async (path, operation, status) => {
    const res = await send(app, 'GET', path)
    expect(res.status).toBe(status)
    assertMatchesContract('GET', operation, status, res.body)
  })
})
