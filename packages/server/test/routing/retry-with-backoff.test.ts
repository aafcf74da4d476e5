/** Backoff with full jitter, Retry-After up to a cap, and never sleeping past the request's deadline. */
import { describe, expect, it } from 'vitest'
import type { RetryPolicy } from '../../src/config/config-types.js'
import { backoffDelay, nextDelay, retryWithBackoff } from '../../src/routing/retry-with-backoff.js'
import { countingClock } from '../support/counting-clock.js'

const policy: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 2000 }
const always = (value: number) => () => value

describe('backoff', () => {
  it.each([
    [1, 0.999, 99.9],
    [2, 0.999, 199.8],
    [3, 0.5, 200],
    [5, 0.999, 999], // capped at maxDelayMs
    [3, 0, 0], // full jitter reaches zero
  ])('attempt %i with random %f waits %f ms', (attempt, random, want) => {
    expect(backoffDelay(attempt, policy, always(random))).toBeCloseTo(want, 6)
  })

  it('spreads clients: delays from a uniform source cover the whole window', () => {
    const delays = Array.from({ length: 200 }, (_, i) => backoffDelay(3, policy, always(i / 200)))
    expect(Math.min(...delays)).toBe(0)
    expect(Math.max(...delays)).toBeGreaterThan(395)
  })

  it.each([
    ['honours Retry-After, plus a little jitter', 1500, 0.5, 1550],
    ['honours Retry-After of zero', 0, 0, 0],
    ['moves on when Retry-After is over the cap', 2001, 0.5, undefined],
  ])('%s', (_name, retryAfter, random, want) => {
    expect(nextDelay(2, retryAfter, policy, always(random))).toBe(want)
  })
})

describe('retryWithBackoff', () => {
  const failing = (errors: unknown[]) => {
    const calls: number[] = []
    const call = async (attempt: number) => {
      calls.push(attempt)
      const error = errors.shift()
      if (error) throw error
      return 'ok'
    }
    return { call, calls }
  }

  it('retries until success, within the attempt budget', async () => {
    const { call, calls } = failing([new Error('a'), new Error('b')])
    const out = await retryWithBackoff(call, { policy, shouldRetry: () => true, random: always(0) })
    expect(out).toBe('ok')
    expect(calls).toEqual([1, 2, 3])
  })

  it('stops at once when shouldRetry says no', async () => {
    const refusal = new Error('400')
    const { call, calls } = failing([refusal])
    await expect(retryWithBackoff(call, { policy, shouldRetry: () => false })).rejects.toBe(refusal)
    expect(calls).toEqual([1])
  })

  it('gives up after the last attempt with the last error', async () => {
    const errors = [1, 2, 3, 4, 5].map((n) => new Error(String(n)))
    const { call, calls } = failing([...errors])
    await expect(retryWithBackoff(call, { policy, shouldRetry: () => true, random: always(0) })).rejects.toBe(
      errors[3],
    )
    expect(calls).toHaveLength(4)
  })

  it('does not sleep past the time left', async () => {
    const { call, calls } = failing([new Error('503'), new Error('503')])
    const started = Date.now()
    await expect(
      retryWithBackoff(call, {
        policy,
        shouldRetry: () => true,
        random: always(0.999),
        remainingMs: () => 50,
      }),
    ).rejects.toThrow('503')
    expect(calls).toEqual([1])
    expect(Date.now() - started).toBeLessThan(90)
  })

  it('waits what Retry-After asked for', async () => {
    const { call } = failing([Object.assign(new Error('429'), { wait: 80 })])
    const started = Date.now()
    await retryWithBackoff(call, {
      policy,
      shouldRetry: () => true,
      retryAfterMs: (error) => (error as { wait: number }).wait,
      random: always(0),
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(75)
  })

  it('stops sleeping when the signal aborts, with its reason, and leaves no timer', async () => {
    const { clock, liveTimers } = countingClock()
    const controller = new AbortController()
    const { call } = failing([new Error('503')])
    const reason = new Error('deadline')
    setTimeout(() => controller.abort(reason), 20)
    await expect(
      retryWithBackoff(call, {
        policy: { ...policy, initialDelayMs: 10_000, maxDelayMs: 10_000 },
        shouldRetry: () => true,
        random: always(0.999),
        signal: controller.signal,
        clock,
      }),
    ).rejects.toBe(reason)
    expect(liveTimers()).toBe(0)
  })
})
