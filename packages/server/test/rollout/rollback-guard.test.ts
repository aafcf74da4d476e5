/** The sliding window that rolls a candidate back: it trips on what is in the window, and only on that. */
import { describe, expect, it } from 'vitest'
import { RollbackGuard } from '../../src/rollout/rollback-guard.js'

describe('RollbackGuard', () => {
  it('trips once the failure rate in the window crosses the threshold, not before min_requests', () => {
    const guard = new RollbackGuard({ windowMs: 1000, maxErrorRate: 0.2, minRequests: 10 })
    for (let i = 0; i < 5; i++) expect(guard.record(true, 1, i)).toBeUndefined()
    for (let i = 5; i < 9; i++) expect(guard.record(false, 1, i)).toBeUndefined()
    expect(guard.record(true, 1, 9)?.reason).toBe('error_rate')
  })

  it('forgets runs older than the window', () => {
    const guard = new RollbackGuard({ windowMs: 1000, maxErrorRate: 0.5, minRequests: 4 })
    for (let i = 0; i < 3; i++) guard.record(true, 1, i)
    // Three failures long ago, then successes: only the recent runs count.
    for (let i = 0; i < 10; i++) guard.record(false, 1, 5000 + i)
    expect(guard.record(true, 1, 5010)).toBeUndefined()
    expect(guard.window(5010)).toEqual({ runs: 11, failures: 1 })
  })

  it('trips on the 99th percentile of run times', () => {
    const guard = new RollbackGuard({ windowMs: 10_000, maxP99Ms: 50, minRequests: 20 })
    let verdict: ReturnType<RollbackGuard['record']>
    for (let i = 0; i < 200 && !verdict; i++) verdict = guard.record(false, i % 10 === 0 ? 80 : 5, i)
    expect(verdict?.reason).toBe('p99_latency')
    expect(verdict?.message).toMatch(/took 80\.0 ms \(over 50 ms\)/)
  })

  it('keeps at most its capacity of runs, however many come within the window', () => {
    const guard = new RollbackGuard({ windowMs: 1e9, maxErrorRate: 0.99, minRequests: 1 }, 64)
    for (let i = 0; i < 10_000; i++) guard.record(i % 2 === 0, 1, i)
    expect(guard.window(10_000)).toEqual({ runs: 64, failures: 32 })
  })
})
