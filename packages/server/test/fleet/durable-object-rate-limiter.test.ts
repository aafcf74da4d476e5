/**
 * `RateLimiterObject` on a fixed clock, with a storage that records what it holds and the alarm it
 * asked for: GCRA decisions, and an idle bucket dropped by its alarm (as a Redis key expires).
 */
import { describe, expect, it } from 'vitest'
import { RateLimiterObject } from '../../src/limits/durable-object-rate-limiter.js'

function objectOnClock(start: number) {
  const clock = { now: start }
  const stored = new Map<string, unknown>()
  const alarms: number[] = []
  const storage = {
    get: async <T>(key: string) => stored.get(key) as T | undefined,
    put: async (key: string, value: unknown) => void stored.set(key, value),
    delete: async (key: string) => stored.delete(key),
    setAlarm: async (time: number) => void alarms.push(time),
  }
  const object = new RateLimiterObject({ storage }, undefined, () => clock.now)
  const hit = async (body: unknown, method = 'POST') => {
    const response = await object.fetch(
      new Request('https://rate-limiter.modelport/hit', {
        method,
        body: method === 'POST' ? JSON.stringify(body) : undefined,
      }),
    )
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  return { clock, stored, alarms, object, hit }
}

const take = { limit: { limit: 2, windowMs: 1000 }, cost: 1, mode: 'take' }

describe('RateLimiterObject', () => {
  it('allows the limit at once, then refuses with the wait until the next unit', async () => {
    const { hit } = objectOnClock(10_000)
    expect((await hit(take)).body).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 })
    expect((await hit(take)).body).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 })
    expect((await hit(take)).body).toEqual({ allowed: false, remaining: 0, retryAfterMs: 500 })
  })

  it('asks for an alarm at the time its bucket empties, and the alarm drops it only then', async () => {
    const { clock, stored, alarms, object, hit } = objectOnClock(10_000)
    await hit(take)
    await hit(take)
    expect(stored.get('tat')).toBe(11_000)
    expect(alarms.at(-1)).toBe(11_000)
    clock.now = 10_999
    await object.alarm()
    expect(stored.has('tat')).toBe(true)
    clock.now = 11_000
    await object.alarm()
    expect(stored.has('tat')).toBe(false)
    // A bucket dropped is a fresh bucket: the whole limit again.
    expect((await hit(take)).body).toMatchObject({ allowed: true, remaining: 1 })
  })

  it.each([
    ['a GET', undefined, 'GET'],
    ['no limit', { cost: 1, mode: 'take' }, 'POST'],
    ['a limit of 0', { limit: { limit: 0, windowMs: 1000 }, cost: 1, mode: 'take' }, 'POST'],
    ['a negative cost', { ...take, cost: -1 }, 'POST'],
    ['an unknown mode', { ...take, mode: 'borrow' }, 'POST'],
  ])('refuses %s with a 400, storing nothing', async (_name, body, method) => {
    const { stored, hit } = objectOnClock(0)
    const answer = await hit(body, method)
    expect(answer.status).toBe(400)
    expect(answer.body.error).toMatch(/expected POST/)
    expect(stored.size).toBe(0)
  })
})
