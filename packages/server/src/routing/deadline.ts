/**
 * One deadline per request: a single AbortSignal that every attempt, backoff and stream read of the
 * request shares, so retries and fallbacks never stretch a request past its budget.
 */
import { type AbortSignalLike, Cancellation } from '../core/cancellation.js'
import { type Clock, systemClock } from '../core/clock.js'

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError'
  readonly code = 'deadline_exceeded'
  constructor(readonly timeoutMs: number) {
    super(`The request's deadline of ${timeoutMs} ms passed.`)
  }
}

export interface Deadline {
  /** Aborts when the deadline passes (reason: DeadlineExceededError) or when `parent` aborts. */
  readonly signal: Cancellation
  readonly timeoutMs: number
  remainingMs(): number
  /** True once the deadline itself has passed (not a client abort). */
  expired(): boolean
  /** Clears the timer and the link to `parent`; call when the request is done. */
  dispose(): void
}

export function startDeadline(
  timeoutMs: number,
  options: { parent?: AbortSignalLike; clock?: Clock } = {},
): Deadline {
  const clock = options.clock ?? systemClock
  const { parent } = options
  const endsAt = clock.now() + timeoutMs
  const cancellation = new Cancellation()
  let passed = false
  const timer = clock.setTimeout(() => {
    passed = true
    parent?.removeEventListener('abort', follow)
    cancellation.abort(new DeadlineExceededError(timeoutMs))
  }, timeoutMs)
  function follow() {
    clock.clearTimeout(timer)
    cancellation.abort(parent?.reason)
  }
  if (parent?.aborted) follow()
  else parent?.addEventListener('abort', follow, { once: true })
  let disposed = false
  return {
    signal: cancellation,
    timeoutMs,
    remainingMs: () => Math.max(0, endsAt - clock.now()),
    expired: () => passed,
    dispose() {
      if (disposed) return
      disposed = true
      clock.clearTimeout(timer)
      parent?.removeEventListener('abort', follow)
    },
  }
}
