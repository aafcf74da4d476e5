/**
 * Rate limits at the edge, counted once for every isolate: the edge bundle as two Workers in workerd
 * (Miniflare 3; each Worker is its own isolate with its own memory) bound to one Durable Object
 * namespace of `RateLimiterObject`. A key's rpm holds across both; without the binding, each isolate
 * counts alone and the key gets the limit once per isolate. The Durable Object limiter also passes
 * the contract every `RateLimiter` passes, run from Node against the real object in workerd.
 */
import { createHash } from 'node:crypto'
import { dirname } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type DurableObjectNamespaceLike,
  DurableObjectRateLimiter,
} from '../../src/limits/durable-object-rate-limiter.js'
import { buildEdgeBundle, type EdgeBundle } from '../edge/edge-bundle.js'
import { runRateLimiterContract } from '../limits/rate-limiter-contract.js'

const KEY = 'mp-edge-shared-0123456789'
const RPM = 4
const COMPATIBILITY_DATE = '2025-07-01'

let bundle: EdgeBundle
let shared: Miniflare
let separate: Miniflare
let limiter: DurableObjectRateLimiter

/** Two Workers running the edge bundle; with `sharedLimits`, both bound to one limiter namespace. */
function twoIsolates(sharedLimits: boolean): Miniflare {
  const bindings = {
    MODELPORT_CONFIG: `auth:\n  keys:\n    - { name: app, sha256: "${createHash('sha256').update(KEY).digest('hex')}", rpm: ${RPM} }\n`,
  }
  const worker = (
    name: string,
    durableObjects?: Record<string, string | { className: string; scriptName: string }>,
  ) => ({
    name,
    modules: true,
    scriptPath: bundle.path,
    modulesRoot: dirname(bundle.path),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    ...(durableObjects && { durableObjects }),
  })
  return new Miniflare({
    // Each request's log line would go to the test's output; nothing here reads them.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume()
      stderr.resume()
    },
    workers: sharedLimits
      ? [
          worker('a', { MODELPORT_RATE_LIMITER: 'RateLimiterObject' }),
          worker('b', { MODELPORT_RATE_LIMITER: { className: 'RateLimiterObject', scriptName: 'a' } }),
        ]
      : [worker('a'), worker('b')],
  })
}

/** `count` requests with the key, alternating between the two isolates; their statuses in order. */
async function alternate(
  miniflare: Miniflare,
  count: number,
): Promise<{ worker: string; status: number; retryAfter: string | null }[]> {
  // Miniflare's Fetcher type folds its Request and Response types oddly; fetch is all that is used.
  type Fetch = { fetch(url: string, init: RequestInit): Promise<Response> }
  const workers = {
    a: (await miniflare.getWorker('a')) as unknown as Fetch,
    b: (await miniflare.getWorker('b')) as unknown as Fetch,
  }
  const results = []
  for (let i = 0; i < count; i++) {
    const name = i % 2 === 0 ? 'a' : 'b'
    const response = await workers[name].fetch('http://edge.test/v1/models', {
      headers: { authorization: `Bearer ${KEY}` },
    })
    await response.arrayBuffer()
    results.push({ worker: name, status: response.status, retryAfter: response.headers.get('retry-after') })
  }
  return results
}

beforeAll(async () => {
  bundle = await buildEdgeBundle()
  shared = twoIsolates(true)
  separate = twoIsolates(false)
  await Promise.all([shared.ready, separate.ready])
  const namespace = await shared.getDurableObjectNamespace('MODELPORT_RATE_LIMITER', 'a')
  limiter = new DurableObjectRateLimiter(namespace as unknown as DurableObjectNamespaceLike)
}, 60_000)

afterAll(async () => {
  await Promise.all([shared?.dispose(), separate?.dispose()])
  await bundle?.remove()
})

describe('two isolates bound to one RateLimiterObject namespace', () => {
  it(`share a key's ${RPM} requests per minute: the ${RPM + 1}th is refused, whichever isolate takes it`, async () => {
    const results = await alternate(shared, RPM * 2)
    expect(results.map((result) => result.status)).toEqual([...Array(RPM).fill(200), ...Array(RPM).fill(429)])
    // Both isolates refused: neither had a budget of its own left.
    expect(new Set(results.filter((result) => result.status === 429).map((result) => result.worker))).toEqual(
      new Set(['a', 'b']),
    )
    for (const result of results.filter((item) => item.status === 429))
      expect(Number(result.retryAfter)).toBeGreaterThanOrEqual(1)
  })

  it('without the binding count alone: the key gets its limit once per isolate', async () => {
    const results = await alternate(separate, RPM * 2 + 2)
    expect(results.filter((result) => result.status === 200)).toHaveLength(RPM * 2)
    expect(results.slice(-2).map((result) => result.status)).toEqual([429, 429])
  })
})

describe('the Durable Object limiter, from Node against the object in workerd', () => {
  it('refuses a malformed call with a 400, and the limiter reports it as a failure', async () => {
    const namespace = (await shared.getDurableObjectNamespace(
      'MODELPORT_RATE_LIMITER',
      'a',
    )) as unknown as DurableObjectNamespaceLike
    const stub = namespace.get(namespace.idFromName('malformed') as never)
    const response = await stub.fetch('https://rate-limiter.modelport/hit', {
      method: 'POST',
      body: '{"cost": -1}',
    })
    expect(response.status).toBe(400)
    await response.arrayBuffer()
    await expect(limiter.hit('malformed', { limit: 0, windowMs: 1000 }, 1)).rejects.toThrow(/answered 400/)
  })

  describe('the RateLimiter contract', () => {
    runRateLimiterContract(() => limiter)
  })
})
