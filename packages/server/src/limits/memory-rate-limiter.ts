/**
 * Rate-limit buckets in this process's memory: right for one replica. Idle buckets (whose TAT has
 * passed, so they hold nothing) are swept out, so memory follows the active keys, not every key seen.
 */
import { gcra, type RateDecision, type RateLimit, type RateLimiter, type RateMode } from './rate-limiter.js'

export interface MemoryRateLimiterOptions {
  /** Milliseconds (default `Date.now`). */
  now?: () => number
  /** Sweep idle buckets every this many calls (default 1000). */
  sweepEvery?: number
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #tats = new Map<string, number>()
  readonly #now: () => number
  readonly #sweepEvery: number
  #calls = 0

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#sweepEvery = options.sweepEvery ?? 1000
  }

  /** Buckets held (for tests of eviction). */
  get size(): number {
    return this.#tats.size
  }

  hit(bucket: string, limit: RateLimit, cost: number, mode: RateMode = 'take'): Promise<RateDecision> {
    const now = this.#now()
    if (++this.#calls >= this.#sweepEvery) this.#sweep(now)
    const { tat, ...decision } = gcra(this.#tats.get(bucket) ?? 0, now, limit, cost, mode)
    if (tat !== undefined) this.#tats.set(bucket, tat)
    return Promise.resolve(decision)
  }

  async close(): Promise<void> {
    this.#tats.clear()
  }

  #sweep(now: number): void {
    this.#calls = 0
    for (const [bucket, tat] of this.#tats) if (tat <= now) this.#tats.delete(bucket)
  }
}
