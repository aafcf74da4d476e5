/**
 * Rate limits in a real Redis (`redis-server`, started here on a free loopback port): the limiter
 * contract, keys that expire, and two app instances, as two replicas would be, sharing one limit —
 * including under a burst of parallel requests, where a read-then-write limiter would let more through.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { hashApiKeys } from '../../src/config/api-keys.js'
import { MemoryRateLimiter } from '../../src/limits/memory-rate-limiter.js'
import { RedisRateLimiter, safeRedisUrl } from '../../src/limits/redis-rate-limiter.js'
import { runRateLimiterContract } from './rate-limiter-contract.js'
import { hasRedisServer, type RedisServer, startRedisServer } from './redis-server.js'

const available = hasRedisServer()
if (!available)
  console.warn(
    'Skipping the Redis rate-limit tests: redis-server is not installed (apt-get install redis-server).',
  )

describe.skipIf(!available)('RedisRateLimiter', () => {
  let server: RedisServer
  let limiter: RedisRateLimiter
  let other: RedisRateLimiter
  let inspect: Redis

  beforeAll(async () => {
    server = await startRedisServer()
    limiter = await RedisRateLimiter.connect(server.url)
    other = await RedisRateLimiter.connect(server.url)
    inspect = new Redis(server.url)
  })
  afterAll(async () => {
    await limiter?.close()
    await other?.close()
    await inspect?.quit()
    await server?.stop()
  })

  describe('the RateLimiter contract', () => {
    runRateLimiterContract(() => limiter)
  })

  it('stores one key per bucket, which expires once the bucket is idle again', async () => {
    await limiter.hit('expiry', { limit: 10, windowMs: 60_000 }, 3)
    const ttl = await inspect.pttl('modelport:ratelimit:expiry')
    // Three units at 6 s each: the bucket holds nothing 18 s from now.
    expect(ttl).toBeGreaterThan(17_000)
    expect(ttl).toBeLessThanOrEqual(18_000)
    await limiter.hit('peeked', { limit: 10, windowMs: 60_000 }, 1, 'peek')
    expect(await inspect.exists('modelport:ratelimit:peeked')).toBe(0)
  })

  it('shares buckets between two connections, as replicas do', async () => {
    const limit = { limit: 4, windowMs: 60_000 }
    const allowed = []
    for (let i = 0; i < 6; i++)
      allowed.push((await (i % 2 ? other : limiter).hit('shared', limit, 1)).allowed)
    expect(allowed).toEqual([true, true, true, true, false, false])
  })

  it('gives two app instances one limit per key, exactly, under parallel requests', async () => {
    const secret = 'replica-test-key-0123456789'
    const keys = (await hashApiKeys([secret])).map((key) => ({ ...key, name: 'replicas', rpm: 7 }))
    const apps = [limiter, other].map((rateLimiter) => createApp({ auth: { keys }, rateLimiter }))
    const headers = { authorization: `Bearer ${secret}` }
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => apps[i % 2]?.request('http://localhost/v1/models', { headers })),
    )
    const statuses = responses.map((response) => response?.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(7)
    expect(statuses.filter((status) => status === 429)).toHaveLength(33)
    const refused = responses.find((response) => response?.status === 429) as Response
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(9)
    expect(await refused.json()).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    })
  })

  it('refuses to start on a Redis it cannot reach, without printing the password', async () => {
    const url = 'redis://user:hunter2-password@127.0.0.1:1'
    await expect(RedisRateLimiter.connect(url)).rejects.toThrow(
      /Cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1/,
    )
    expect(safeRedisUrl(url)).not.toContain('hunter2')
  })
})

describe.skipIf(!available)('a Redis that goes away', () => {
  it('lets requests through, unlimited, and says so in the log', async () => {
    const server = await startRedisServer()
    const limiter = await RedisRateLimiter.connect(server.url, { commandTimeoutMs: 300 })
    const warnings: string[] = []
    const secret = 'outage-test-key-0123456789'
    const keys = (await hashApiKeys([secret])).map((key) => ({ ...key, rpm: 1 }))
    const app = createApp({
      auth: { keys },
      rateLimiter: limiter,
      log: { error: () => {}, warn: (message) => warnings.push(message) },
    })
    const get = () =>
      app.request('http://localhost/v1/models', { headers: { authorization: `Bearer ${secret}` } })
    try {
      expect((await get()).status).toBe(200)
      expect((await get()).status).toBe(429)
      await server.stop()
      expect((await get()).status).toBe(200)
      expect(warnings).toEqual(['rate limiter failed; requests pass unlimited'])
    } finally {
      await limiter.close()
      await server.stop()
    }
  })
})

describe('the in-memory limiter behind the same app', () => {
  it('counts per key, each key with its own limit', async () => {
    const keys = await hashApiKeys(['first-key-0123456789', 'second-key-0123456789'])
    const limited = [
      { ...keys[0], name: 'first', rpm: 1 },
      { ...keys[1], name: 'second', rpm: 2 },
    ] as typeof keys
    const app = createApp({ auth: { keys: limited }, rateLimiter: new MemoryRateLimiter() })
    const statuses = async (secret: string, times: number) => {
      const out = []
      for (let i = 0; i < times; i++)
        out.push(
          (
            await app.request('http://localhost/v1/models', {
              headers: { authorization: `Bearer ${secret}` },
            })
          ).status,
        )
      return out
    }
    expect(await statuses('first-key-0123456789', 2)).toEqual([200, 429])
    expect(await statuses('second-key-0123456789', 3)).toEqual([200, 200, 429])
  })
})
