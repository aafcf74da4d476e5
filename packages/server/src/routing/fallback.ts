/**
 * Tries a route's targets in order until one answers. Per target: skip it while its circuit is open,
 * retry retryable failures with backoff, then move to the next. A non-retryable failure (a client
 * error such as 400 or 401, a content-policy refusal) ends the request at once, attributed to its
 * target. Everything shares one deadline.
 */

import type { RetryPolicy } from '../config/config-types.js'
import type { AbortSignalLike } from '../core/cancellation.js'
import type { Clock } from '../core/clock.js'
import type { RoutingMetrics } from '../core/metrics.js'
import { ProviderError } from '../providers/provider-error.js'
import type { CircuitBreakers } from './circuit-breaker.js'
import type { Deadline } from './deadline.js'
import { retryWithBackoff } from './retry-with-backoff.js'
import type { RouteTarget, RoutingTrace } from './route.js'
import {
  attributed,
  clientGone,
  deadlineFailure,
  exhausted,
  type Failure,
  isLocalRefusal,
} from './routing-failure.js'

export interface RoutingLog {
  warn(message: string, fields?: Record<string, unknown>): void
}

export interface FallbackContext {
  route: string
  requestId: string
  deadline: Deadline
  retry: RetryPolicy
  breakers: CircuitBreakers
  trace: RoutingTrace
  clock: Clock
  random: () => number
  log?: RoutingLog
  metrics?: RoutingMetrics
}

/** Calls targets in turn; resolves with the first answer and the target that gave it. */
export async function callWithFallback<T>(
  targets: readonly RouteTarget[],
  call: (target: RouteTarget, signal: AbortSignalLike) => Promise<T>,
  context: FallbackContext,
): Promise<{ value: T; target: RouteTarget }> {
  const { deadline, trace } = context
  const failures: Failure[] = []

  const attempt = async (
    target: RouteTarget,
    breaker: ReturnType<CircuitBreakers['get']>,
    number: number,
  ) => {
    trace.attempts++
    trace.target = target.key
    const started = context.clock.now()
    try {
      const value = await call(target, deadline.signal)
      breaker.recordSuccess()
      context.metrics?.attempt(target.key, 'success')
      return value
    } catch (error) {
      if (deadline.signal.aborted) {
        breaker.release()
        throw deadline.signal.reason
      }
      if (!ProviderError.is(error)) {
        breaker.release()
        throw error
      }
      // A local refusal is known state, not a sign of a sick target: loading the model serves at once.
      if (isLocalRefusal(error)) breaker.release()
      else if (error.isRetryable) breaker.recordFailure()
      else breaker.recordSuccess()
      context.metrics?.attempt(target.key, error.isRetryable ? 'failure' : 'client_error')
      failures.push({ target: target.key, error })
      context.log?.warn('upstream attempt failed', {
        requestId: context.requestId,
        route: context.route,
        target: target.key,
        attempt: number,
        code: error.code,
        status: error.status,
        retryable: error.isRetryable,
        ms: context.clock.now() - started,
        error: error.message,
      })
      throw error
    }
  }

  try {
    for (const [index, target] of targets.entries()) {
      // Reaching a later target means every earlier one failed or was skipped.
      if (index > 0) context.metrics?.fallback(context.route)
      const breaker = context.breakers.get(target.key)
      if (!breaker.tryAcquire()) {
        failures.push({ target: target.key, retryInMs: breaker.snapshot().retryInMs })
        context.metrics?.attempt(target.key, 'circuit_open')
        continue
      }
      try {
        const value = await retryWithBackoff((number) => attempt(target, breaker, number), {
          policy: context.retry,
          shouldRetry: (error) =>
            ProviderError.is(error) &&
            error.isRetryable &&
            breaker.state === 'closed' &&
            // A local model unloaded or failed stays so for this request; one still loading may be ready.
            !(isLocalRefusal(error) && error.retryAfterMs === undefined),
          retryAfterMs: (error) => (ProviderError.is(error) ? error.retryAfterMs : undefined),
          signal: deadline.signal,
          remainingMs: deadline.remainingMs,
          clock: context.clock,
          random: context.random,
          onRetry: () => context.metrics?.retry(target.key),
        })
        return { value, target }
      } catch (error) {
        if (!ProviderError.is(error)) throw error
        if (!error.isRetryable) throw attributed(error)
      }
    }
  } catch (error) {
    if (deadline.expired()) throw deadlineFailure(context.route, deadline.timeoutMs, failures)
    if (deadline.signal.aborted) throw clientGone()
    throw error
  }
  throw exhausted(context.route, failures)
}
