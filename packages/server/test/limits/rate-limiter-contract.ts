/**
 * What every `RateLimiter` must do, run against each implementation (in memory, and Redis): the same
 * table of behaviours, in real time with short windows.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import type { RateLimiter } from '../../src/limits/rate-limiter.js'

let bucketCount = 0
/** A bucket no other test has touched (the Redis server is shared by a file's tests). */
const fresh = () => `test-${process.pid}-${++bucketCount}-${Math.random().toString(36).slice(2)}`

export function runRateLimiterContract(limiter: () => RateLimiter): void {
  it('allows a whole window at once, then refuses with the wait until the next unit', async () => {
    const bucket = fresh()
    const limit = { limit: 5, windowMs: 60_000 }
    const decisions = []
    for (let i = 0; i < 6; i++) decisions.push(await limiter().hit(bucket, limit, 1))
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false])
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0])
    // One unit is emitted every 12 s; a few milliseconds have passed since the first.
    expect(decisions[5]?.retryAfterMs).toBeGreaterThan(11_000)
    expect(decisions[5]?.retryAfterMs).toBeLessThanOrEqual(12_000)
  })

  it('refills one unit per interval', async () => {
    const bucket = fresh()
    const limit = { limit: 2, windowMs: 400 }
    expect((await limiter().hit(bucket, limit, 2)).allowed).toBe(true)
    expect((await limiter().hit(bucket, limit, 1)).allowed).toBe(false)
    await sleep(230)
    expect((await limiter().hit(bucket, limit, 1)).allowed).toBe(true)
    expect((await limiter().hit(bucket, limit, 1)).allowed).toBe(false)
  })

  it('peeks without consuming', async () => {
    const bucket = fresh()
    const limit = { limit: 1, windowMs: 60_000 }
    for (let i = 0; i < 3; i++) expect((await limiter().hit(bucket, limit, 1, 'peek')).allowed).toBe(true)
    expect((await limiter().hit(bucket, limit, 1, 'take')).allowed).toBe(true)
    expect((await limiter().hit(bucket, limit, 1, 'peek')).allowed).toBe(false)
  })

  it('charges past the limit, into a debt that is waited out', async () => {
    const bucket = fresh()
    const limit = { limit: 100, windowMs: 60_000 }
    const charged = await limiter().hit(bucket, limit, 250, 'charge')
    expect(charged.allowed).toBe(true)
    expect(charged.remaining).toBe(0)
    const peek = await limiter().hit(bucket, limit, 1, 'peek')
    expect(peek.allowed).toBe(false)
    // 250 units at 0.6 s each, less the window's 100: 151 units' worth of waiting.
    expect(peek.retryAfterMs).toBeGreaterThan(150 * 600 - 100)
    expect(peek.retryAfterMs).toBeLessThanOrEqual(151 * 600)
  })

  it('refuses a cost larger than the whole window, and keeps buckets apart', async () => {
    const [a, b] = [fresh(), fresh()]
    const limit = { limit: 3, windowMs: 60_000 }
    expect((await limiter().hit(a, limit, 4)).allowed).toBe(false)
    expect((await limiter().hit(a, limit, 3)).allowed).toBe(true)
    expect((await limiter().hit(b, limit, 3)).allowed).toBe(true)
  })

  it('lets exactly the limit through when many calls race (no leak)', async () => {
    const bucket = fresh()
    const limit = { limit: 10, windowMs: 60_000 }
    const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter().hit(bucket, limit, 1)))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10)
  })
}
