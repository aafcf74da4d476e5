/**
 * API keys on every endpoint but health and the docs: 401 in each family's error shape with
 * `WWW-Authenticate: Bearer`, the configured key accepted, anything else refused.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashApiKey, hashApiKeys, splitApiKeys } from '../../src/config/api-keys.js'
import { digestsEqual } from '../../src/http/auth.js'
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js'
import { operations } from '../docs/operations.js'
import { appWith } from '../support/app.js'
import { assertMatchesContract } from '../support/contract.js'

const secret = 'mp-test-key-0123456789abcdef'
const keys = await hashApiKeys([secret])
const metrics = createPrometheusMetrics({ processMetrics: false })
const docs = { script: async () => new TextEncoder().encode('window.Scalar = {}') }
const { app } = await appWith({ auth: { keys }, metrics, docs })
const open = await appWith({ auth: { keys, publicMetrics: true }, metrics })

const inferBody = JSON.stringify({
  inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(1) }],
})
const chatBody = JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })

// [method, path, contract path, the status with the key, body]
const protectedEndpoints: [string, string, string | undefined, number, string?][] = [
  ['GET', '/v1/models', '/v1/models', 200],
  ['GET', '/v1/models/simplenet', '/v1/models/{model}', 200],
  ['POST', '/v1/chat/completions', '/v1/chat/completions', 404, chatBody],
  ['POST', '/v1/embeddings', '/v1/embeddings', 404, JSON.stringify({ model: 'nope', input: 'hi' })],
  ['GET', '/v2', '/v2', 200],
  ['GET', '/v2/models/simplenet', '/v2/models/{model}', 200],
  ['GET', '/v2/models/simplenet/ready', '/v2/models/{model}/ready', 200],
  ['POST', '/v2/models/simplenet/infer', '/v2/models/{model}/infer', 200, inferBody],
  ['GET', '/metrics', '/metrics', 200],
  ['GET', '/no/such/route', undefined, 404],
]

const call = (
  target: typeof app,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
) =>
  target.request(`http://localhost${path}`, {
    method,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    body,
  })

describe.each(protectedEndpoints)('%s %s', (method, path, contractPath, statusWithKey, body) => {
  const v2 = path.startsWith('/v2')

  it('answers 401 without a key, in its family’s error shape, asking for a bearer token', async () => {
    const response = await call(app, method, path, {}, body)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="modelport"')
    const json = await response.json()
    if (v2) expect(json).toEqual({ error: expect.stringMatching(/API key is required/) })
    else {
      expect(json).toEqual({
        error: {
          message: expect.stringMatching(/Authorization: Bearer/),
          type: 'authentication_error',
          code: 'invalid_api_key',
          param: null,
        },
      })
    }
    if (contractPath) assertMatchesContract(method, contractPath, 401, json)
  })

  it('answers 401 to a wrong key, saying the token is invalid', async () => {
    const response = await call(app, method, path, { authorization: `Bearer ${secret}x` }, body)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="modelport", error="invalid_token"')
    const json = (await response.json()) as { error: unknown }
    expect(JSON.stringify(json)).toContain('The API key is not valid.')
  })

  it('serves the request with the key', async () => {
    const response = await call(app, method, path, { authorization: `Bearer ${secret}` }, body)
    expect(response.status).toBe(statusWithKey)
  })
})

describe('public endpoints', () => {
  it.each(['/v2/health/live', '/v2/health/ready', '/openapi.json', '/docs', '/docs/scalar.js'])(
    '%s needs no key',
    async (path) => {
      expect((await call(app, 'GET', path)).status).toBe(200)
    },
  )

  it('/metrics needs no key with publicMetrics, and the rest still does', async () => {
    expect((await call(open.app, 'GET', '/metrics')).status).toBe(200)
    expect((await call(open.app, 'GET', '/v1/models')).status).toBe(401)
  })

  it('a path that only looks public is not', async () => {
    for (const path of [
      '/v2/health/live/../../../v1/models',
      '/v2/health/%2e%2e/%2e%2e/v1/models',
      '/DOCS',
      '/v2/health/livex',
    ])
      expect((await call(app, 'GET', path)).status, path).toBe(401)
  })
})

describe('the Authorization header', () => {
  it.each([
    ['bearer in lower case', `bearer ${secret}`, 200],
    ['extra spaces', `Bearer   ${secret}  `, 200],
    ['a prefix of the key', `Bearer ${secret.slice(0, -1)}`, 401],
    ['the key with more after it', `Bearer ${secret} more`, 401],
    ['Basic', `Basic ${btoa(`user:${secret}`)}`, 401],
    ['the key alone', secret, 401],
    ['Bearer and nothing', 'Bearer', 401],
  ])('%s → %i', async (_, header, status) => {
    expect((await call(app, 'GET', '/v1/models', { authorization: header })).status).toBe(status)
  })

  it('accepts any of several keys, and a key given as x-api-key alone does not count', async () => {
    const many = await hashApiKeys(['first-key-0123456789', 'second-key-0123456789'])
    const { app: multi } = await appWith({ auth: { keys: many } })
    expect(
      (await call(multi, 'GET', '/v1/models', { authorization: 'Bearer second-key-0123456789' })).status,
    ).toBe(200)
    expect(
      (await call(multi, 'GET', '/v1/models', { authorization: 'Bearer first-key-0123456789' })).status,
    ).toBe(200)
    expect((await call(multi, 'GET', '/v1/models', { 'x-api-key': 'first-key-0123456789' })).status).toBe(401)
  })

  it('lets everything through when no key is configured', async () => {
    const { app: none } = await appWith({ auth: { keys: [] } })
    expect((await call(none, 'GET', '/v1/models')).status).toBe(200)
  })

  it('takes keys still being hashed (the edge build hashes them without waiting)', async () => {
    const { app: pending } = await appWith({ auth: { keys: hashApiKeys([secret]) } })
    expect((await call(pending, 'GET', '/v1/models')).status).toBe(401)
    expect((await call(pending, 'GET', '/v1/models', { authorization: `Bearer ${secret}` })).status).toBe(200)
  })
})

describe('keys and digests', () => {
  it('hashes with SHA-256, as sha256sum and the config file have it', async () => {
    expect(await hashApiKey(secret)).toBe(createHash('sha256').update(secret).digest('hex'))
    const [key] = await hashApiKeys([secret], { rpm: 10 })
    expect(key).toEqual({ name: `env-${key?.sha256.slice(0, 8)}`, sha256: await hashApiKey(secret), rpm: 10 })
  })

  it.each([
    ['', []],
    ['a', ['a']],
    [' a , b ,, c ', ['a', 'b', 'c']],
    [undefined, []],
  ])('splits MODELPORT_API_KEYS %j', (text, want) => {
    expect(splitApiKeys(text)).toEqual(want)
  })

  it.each([
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[9, 2, 3], [1, 2, 3], false],
    [[1, 2], [1, 2, 3], false],
  ])('digestsEqual(%j, %j) is %s', (a, b, want) => {
    expect(digestsEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(want)
  })
})

describe('the contract', () => {
  const secured = operations.filter(({ operation }) => {
    const security = (operation as { security?: unknown[] }).security
    return !(security?.length === 1 && Object.keys(security[0] as object).length === 0)
  })

  it.each(
    secured.map(({ method, path, operation }) => [`${method.toUpperCase()} ${path}`, operation] as const),
  )('%s declares 401 and 429, as every operation that takes a key does', (_, operation) => {
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '429']))
  })

  it('leaves health and the docs open, and nothing else', () => {
    const open = operations.filter((entry) => !secured.includes(entry)).map(({ path }) => path)
    expect(open.sort()).toEqual(['/docs', '/openapi.json', '/v2/health/live', '/v2/health/ready'])
  })
})
