/**
 * Rate limiting as a generic cell rate algorithm (GCRA): each bucket stores one number, the theoretical
 * arrival time (TAT) of the next unit. A limit of L units per window W emits one unit every W/L ms and
 * tolerates a burst of a whole window, so a fresh bucket allows L units at once and then L per window,
 * evenly. Memory per bucket is one number, and a bucket whose TAT has passed is the same as no bucket,
 * so idle buckets can be dropped (in memory) or expire (in Redis).
 */

export interface RateLimit {
  /** Units per window (requests, or tokens). */
  limit: number
  windowMs: number
}

/**
 * `take`: consume `cost` units if they fit. `peek`: whether `cost` units would fit, consuming nothing.
 * `charge`: consume `cost` units unconditionally (tokens counted after an answer), possibly into debt.
 */
export type RateMode = 'take' | 'peek' | 'charge'

export interface RateDecision {
  allowed: boolean
  /** Whole units left in the window after this call. */
  remaining: number
  /** When denied: milliseconds until the same call would be allowed (0 when allowed). */
  retryAfterMs: number
}

/** Where buckets live: this process (`MemoryRateLimiter`) or Redis, shared by replicas. */
export interface RateLimiter {
  hit(bucket: string, limit: RateLimit, cost: number, mode?: RateMode): Promise<RateDecision>
  close(): Promise<void>
}

const EPSILON_MS = 1e-6

/** One GCRA step: the decision, and the new TAT to store (undefined: store nothing). */
export function gcra(
  storedTat: number,
  now: number,
  { limit, windowMs }: RateLimit,
  cost: number,
  mode: RateMode,
): RateDecision & { tat: number | undefined } {
  const interval = windowMs / limit
  const tat = Math.max(storedTat, now)
  const next = tat + cost * interval
  // The tolerance absorbs rounding: a limit of 3 per 1000 ms must allow the third unit at once.
  if (mode !== 'charge' && next - now > windowMs + EPSILON_MS) {
    return {
      allowed: false,
      remaining: remainingUnits(tat - now, interval, windowMs),
      retryAfterMs: next - now - windowMs,
      tat: undefined,
    }
  }
  const stored = mode === 'peek' || cost === 0 ? undefined : next
  return {
    allowed: true,
    remaining: remainingUnits((stored ?? tat) - now, interval, windowMs),
    retryAfterMs: 0,
    tat: stored,
  }
}

/** Units that still fit, given how far the TAT is ahead of now. */
export function remainingUnits(aheadMs: number, interval: number, windowMs: number): number {
  return Math.max(0, Math.floor((windowMs - aheadMs) / interval + EPSILON_MS / interval))
}
