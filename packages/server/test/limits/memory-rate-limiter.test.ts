import { describe, expect, it } from 'vitest'
import { MemoryRateLimiter } from '../../src/limits/memory-rate-limiter.js'
import { gcra } from '../../src/limits/rate-limiter.js'
import { runRateLimiterContract } from './rate-limiter-contract.js'

describe('MemoryRateLimiter: the RateLimiter contract', () => {
  const limiter = new MemoryRateLimiter()
  runRateLimiterContract(() => limiter)
})

describe('MemoryRateLimiter', () => {
  it('is exact on a fixed clock: L per window, evenly after the first burst', async () => {
    let now = 1_000_000
    const limiter = new MemoryRateLimiter({ now: () => now })
    const limit = { limit: 3, windowMs: 1000 }
    const allowed = async () => (await limiter.hit('k', limit, 1)).allowed
    expect([await allowed(), await allowed(), await allowed(), await allowed()]).toEqual([
      true,
      true,
      true,
      false,
    ])
    now += 333
    expect(await allowed()).toBe(false)
    now += 1
    expect([await allowed(), await allowed()]).toEqual([true, false])
  })

  it('forgets idle buckets, so memory follows the active keys', async () => {
    let now = 0
    const limiter = new MemoryRateLimiter({ now: () => now, sweepEvery: 10 })
    const limit = { limit: 10, windowMs: 1000 }
    for (let i = 0; i < 9; i++) await limiter.hit(`key-${i}`, limit, 1)
    expect(limiter.size).toBe(9)
    now += 1000
    await limiter.hit('busy', limit, 1)
    expect(limiter.size).toBe(1)
  })

  it.each([
    ['a fresh bucket', 0, 1, 'take', { allowed: true, remaining: 9 }],
    ['a cost of a whole window', 0, 10, 'take', { allowed: true, remaining: 0 }],
    ['a cost over the window', 0, 11, 'take', { allowed: false, remaining: 10 }],
    ['a peek on a full bucket', 100_000, 1, 'peek', { allowed: false, remaining: 0 }],
    ['a charge on a full bucket', 100_000, 5, 'charge', { allowed: true, remaining: 0 }],
  ] as const)('gcra: %s', (_, tat, cost, mode, want) => {
    const decision = gcra(tat, 0, { limit: 10, windowMs: 60_000 }, cost, mode)
    expect(decision).toMatchObject(want)
  })
})
