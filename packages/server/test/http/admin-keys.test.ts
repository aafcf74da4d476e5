/**
 * The admin permission on a real server on loopback: once the server has keys, the repository endpoints
 * (index, load, unload) need an admin key — from the config file (`admin: true`) or
 * `MODELPORT_ADMIN_API_KEYS` — and an ordinary key gets a 403 in the protocol's error shape while the
 * model goes on serving. A server without keys leaves them open. Logs and metrics name keys, never show
 * them.
 */
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { createLogger } from '../../src/observability/logger.js'
import { operations } from '../docs/operations.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const fileAdminKey = 'file-admin-key-0123456789abcdef'
const fileKey = 'file-web-key-0123456789abcdef'
const envKey = 'env-plain-key-0123456789abcdef'
const envAdminKey = 'env-admin-key-0123456789abcdef'
const secrets = [fileAdminKey, fileKey, envKey, envAdminKey]
const envAdminName = `env-admin-${sha256(envAdminKey).slice(0, 8)}`
const envName = `env-${sha256(envKey).slice(0, 8)}`

const lines: string[] = []
let repo: Repository
let server: RunningServer

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(2))
  const configPath = join(repo.dir, 'modelport.json')
  await writeFile(
    configPath,
    JSON.stringify({
      auth: {
        keys: [
          { name: 'deploy', sha256: sha256(fileAdminKey), admin: true },
          { name: 'web', sha256: sha256(fileKey), admin: false },
        ],
      },
    }),
  )
  server = await startServer({
    port: 0,
    builtins: false,
    modelsDir: repo.dir,
    configPath,
    apiKeys: [envKey],
    adminApiKeys: [envAdminKey],
    ocr: false,
    log: createLogger({ destination: { write: (line: string) => void lines.push(line) } }),
  })
  await server.loaded
})

afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

async function call(base: string, method: string, path: string, key?: string, id?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (key !== undefined) headers.authorization = `Bearer ${key}`
  if (id !== undefined) headers['x-request-id'] = id
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: method === 'POST' ? '{}' : undefined,
  })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined }
}

const infer = (key: string) =>
  fetch(`${server.url}/v2/models/scale/infer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }))

// [path, the contract's path]
const repositoryEndpoints = [
  ['/v2/repository/index', '/v2/repository/index'],
  ['/v2/repository/models/scale/load', '/v2/repository/models/{model}/load'],
  ['/v2/repository/models/scale/unload', '/v2/repository/models/{model}/unload'],
] as const

describe.each([
  ['the file', 'web', fileKey],
  ['MODELPORT_API_KEYS', envName, envKey],
])('an ordinary key from %s', (_, name, key) => {
  it.each(repositoryEndpoints)(
    'gets a 403 from POST %s that asks for an admin key',
    async (path, operation) => {
      const response = await call(server.url, 'POST', path, key)
      expect(response.status).toBe(403)
      assertMatchesContract('POST', operation, 403, response.body)
      expect(response.body).toEqual({
        error: expect.stringMatching(
          new RegExp(`need an admin API key, and key '${name}' is not one\\. .*MODELPORT_ADMIN_API_KEYS`),
        ),
      })
    },
  )

  it('cannot unload the model: it keeps serving every client', async () => {
    expect((await call(server.url, 'POST', '/v2/repository/models/scale/unload', key)).status).toBe(403)
    expect(server.registry.version('scale').state).toBe('ready')
    expect(await infer(key)).toMatchObject({ status: 200, body: { outputs: [{ data: [2, 4, 6, 8] }] } })
  })

  it('still reads statistics and models, which change nothing', async () => {
    expect((await call(server.url, 'GET', '/v2/models/stats', key)).status).toBe(200)
    expect((await call(server.url, 'GET', '/v2/models/scale/stats', key)).status).toBe(200)
    expect((await call(server.url, 'GET', '/v1/models', key)).status).toBe(200)
  })
})

describe.each([
  ['the file (admin: true)', fileAdminKey],
  ['MODELPORT_ADMIN_API_KEYS', envAdminKey],
])('an admin key from %s', (_, key) => {
  it('lists the repository, unloads the model and loads it again', async () => {
    const index = await call(server.url, 'POST', '/v2/repository/index', key)
    expect(index).toEqual({
      status: 200,
      body: [{ name: 'scale', version: '1', state: 'READY', reason: '' }],
    })
    expect(await call(server.url, 'POST', '/v2/repository/models/scale/unload', key)).toEqual({
      status: 200,
      body: {},
    })
    expect((await infer(fileKey)).status).toBe(503)
    expect(await call(server.url, 'POST', '/v2/repository/models/scale/load', key)).toEqual({
      status: 200,
      body: {},
    })
    expect((await infer(fileKey)).status).toBe(200)
  })
})

describe('without a valid key', () => {
  it.each(repositoryEndpoints)('POST %s is still a 401, not a 403', async (path) => {
    expect((await call(server.url, 'POST', path)).status).toBe(401)
    expect((await call(server.url, 'POST', path, `${fileAdminKey}x`)).status).toBe(401)
  })
})

describe('logs and metrics', () => {
  it('name the key of a refused and an allowed request, and never show a key', async () => {
    await call(server.url, 'POST', '/v2/repository/index', fileKey, 'refused-index')
    await call(server.url, 'POST', '/v2/repository/index', envAdminKey, 'admin-index')
    // A name made up by a client that may not load: no model label for it.
    await call(server.url, 'POST', '/v2/repository/models/made-up-model/load', envKey, 'made-up')
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.find((entry) => entry.requestId === 'refused-index')).toMatchObject({
      status: 403,
      keyName: 'web',
    })
    expect(entries.find((entry) => entry.requestId === 'admin-index')).toMatchObject({
      status: 200,
      keyName: envAdminName,
    })
    const made = entries.find((entry) => entry.requestId === 'made-up')
    expect(made).toMatchObject({ status: 403, keyName: envName })
    expect(made?.model).toBeUndefined()

    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${fileKey}` },
    }).then((response) => response.text())
    expect(metrics).toContain(
      'modelport_requests_total{route="/v2/repository/index",model="",target="",status="403"}',
    )
    expect(metrics).not.toContain('made-up-model')
    for (const secret of secrets) {
      expect(metrics).not.toContain(secret)
      for (const line of lines) expect(line).not.toContain(secret)
    }
  })
})

describe('the contract', () => {
  it('declares the 403 on the repository operations, and on no statistics operation', () => {
    const forbidding = operations
      .filter(({ operation }) => '403' in operation.responses)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
    expect(forbidding.sort()).toEqual([
      'DELETE /v2/repository/models/{model}/rollout',
      'GET /v2/repository/models/{model}/rollout',
      'POST /v2/repository/index',
      'POST /v2/repository/models/{model}/load',
      'POST /v2/repository/models/{model}/rollout/promote',
      'POST /v2/repository/models/{model}/rollout/rollback',
      'POST /v2/repository/models/{model}/unload',
      'PUT /v2/repository/models/{model}/rollout',
    ])
  })
})

describe('a server without keys (local development)', () => {
  it('leaves the repository endpoints open', async () => {
    const open = await startServer({
      port: 0,
      builtins: false,
      modelsDir: repo.dir,
      ocr: false,
      log: { info() {}, warn() {}, error() {} },
    })
    try {
      await open.loaded
      for (const [path] of [...repositoryEndpoints].reverse())
        expect((await call(open.url, 'POST', path)).status, path).toBe(200)
    } finally {
      await open.close()
    }
  })
})

describe('start-up', () => {
  it('refuses a key that is both ordinary and admin', async () => {
    await expect(
      startServer({
        port: 0,
        builtins: false,
        modelsDir: repo.dir,
        apiKeys: [envKey, 'other-key-0123456789'],
        adminApiKeys: [envKey],
        ocr: false,
        log: { info() {}, warn() {}, error() {} },
      }),
    ).rejects.toThrow(/in both MODELPORT_API_KEYS and MODELPORT_ADMIN_API_KEYS/)
  })
})
