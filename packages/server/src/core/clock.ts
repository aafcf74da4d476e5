/**
 * Time as a parameter: the router reads the clock and sets timers only through a `Clock`, so tests can
 * count live timers or drive time themselves.
 */
import type { AbortSignalLike } from './cancellation.js'

export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts, leaving no timer behind. */
export function sleep(
  ms: number,
  signal: AbortSignalLike | undefined,
  clock: Clock = systemClock,
): Promise<void> {
  return new Promise((done, fail) => {
    if (signal?.aborted) return fail(signal.reason)
    const onAbort = () => {
      clock.clearTimeout(handle)
      fail(signal?.reason)
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      done()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
