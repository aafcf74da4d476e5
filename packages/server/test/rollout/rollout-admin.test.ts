/**
 * The rollout API changes what every client is served: once the server has keys, an ordinary key is
 * refused with a 403 and nothing changes; an admin key may. Inference and feedback stay open to any key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

const plainKey = 'mp-plain-key-for-rollout-tests'
const adminKey = 'mp-admin-key-for-rollout-tests'
let repo: Repository
let server: RunningServer

const call = async (key: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const rolloutEndpoints: [string, string, unknown?][] = [
  ['GET', '/v2/repository/models/scale/rollout'],
  ['PUT', '/v2/repository/models/scale/rollout', { canary: { version: 2, weight: 0.5 } }],
  ['POST', '/v2/repository/models/scale/rollout/promote', {}],
  ['POST', '/v2/repository/models/scale/rollout/rollback', {}],
  ['DELETE', '/v2/repository/models/scale/rollout'],
]

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('scale/2/model.onnx', scaleModel(2))
  await repo.add('scale/model.json', JSON.stringify({ feedback: true }))
  server = await startServer({
    port: 0,
    modelsDir: repo.dir,
    builtins: false,
    ocr: false,
    apiKeys: [plainKey],
    adminApiKeys: [adminKey],
    log: { info() {}, warn() {}, error() {} },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

describe('the rollout API with keys', () => {
  it.each(rolloutEndpoints)(
    '%s %s refuses an ordinary key with a 403 that says why',
    async (method, path, body) => {
      const { status, body: answer } = await call(plainKey, method, path, body)
      expect(status).toBe(403)
      expect(answer.error).toMatch(/need an admin API key/)
    },
  )

  it('an ordinary key changed nothing; an admin key sets, promotes and ends a rollout', async () => {
    expect((await call(adminKey, 'GET', '/v2/repository/models/scale/rollout')).body).toEqual({
      model: 'scale',
      windows: [],
    })
    const set = await call(adminKey, 'PUT', '/v2/repository/models/scale/rollout', {
      stable: 1,
      canary: { version: 2, weight: 0.5 },
    })
    expect(set).toMatchObject({ status: 200, body: { stable: '1', canary: { version: '2', weight: 0.5 } } })
    expect(
      (await call(adminKey, 'POST', '/v2/repository/models/scale/rollout/promote', {})).body,
    ).toMatchObject({
      stable: '2',
    })
    expect((await call(adminKey, 'DELETE', '/v2/repository/models/scale/rollout')).status).toBe(200)
  })

  it('any key may infer and send feedback', async () => {
    const response = await fetch(`${server.url}/v2/models/scale/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plainKey}`, 'x-request-id': 'plain-1' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }),
    })
    expect(response.status).toBe(200)
    const feedback = await call(plainKey, 'POST', '/v2/models/scale/feedback', { id: 'plain-1', label: 3 })
    expect(feedback).toMatchObject({ status: 200, body: { model_version: '2', correct: 1 } })
  })
})
