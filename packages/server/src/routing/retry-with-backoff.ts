/**
 * Retries one call with exponential backoff and full jitter. A `Retry-After` the upstream sent is
 * honoured (plus a little jitter, so clients told the same time do not return in lockstep) unless it is
 * longer than the cap, in which case the call is not retried here: the caller falls back instead.
 * Never sleeps past the request's remaining time.
 */

import type { RetryPolicy } from '../config/config-types.js'
import type { AbortSignalLike } from '../core/cancellation.js'
import { type Clock, sleep, systemClock } from '../core/clock.js'

export interface RetryOptions {
  policy: RetryPolicy
  shouldRetry(error: unknown, attempt: number): boolean
  /** The wait an error asks for (from `Retry-After`), if any. */
  retryAfterMs?(error: unknown): number | undefined
  signal?: AbortSignalLike
  /** Time left for the whole request. */
  remainingMs?(): number
  clock?: Clock
  random?: () => number
  onRetry?(error: unknown, delayMs: number, attempt: number): void
}

/** Full jitter: uniform in [0, min(max, initial · 2^(attempt−1))). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  return random() * Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1))
}

/** The wait before the next attempt, or undefined when the upstream asks for longer than the cap. */
export function nextDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs === undefined) return backoffDelay(attempt, policy, random)
  if (retryAfterMs > policy.maxRetryAfterMs) return undefined
  return retryAfterMs + backoffDelay(1, policy, random)
}

/** Calls `call(attempt)` until it succeeds, `shouldRetry` says no, attempts run out or time would. */
export async function retryWithBackoff<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt)
    } catch (error) {
      if (attempt >= options.policy.attempts || !options.shouldRetry(error, attempt)) throw error
      const delay = nextDelay(attempt, options.retryAfterMs?.(error), options.policy, random)
      if (delay === undefined) throw error
      if (options.remainingMs && delay >= options.remainingMs()) throw error
      options.onRetry?.(error, delay, attempt)
      await sleep(delay, options.signal, options.clock ?? systemClock)
    }
  }
}
