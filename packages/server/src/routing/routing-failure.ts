/**
 * The one error a client gets when routing fails. A non-retryable upstream error is returned as is,
 * attributed to its target, status kept. When every target failed: 504 if the deadline passed, 429 if
 * every target was rate limited, 503 if no target could serve (circuits open, local models not in
 * memory), else 502; the message says what each target did.
 */
import { type ErrorStatus, type ErrorType, ModelportError } from '../core/errors.js'
import type { ProviderError } from '../providers/provider-error.js'

export interface Failure {
  target: string
  /** Absent when the target was skipped because its circuit is open. */
  error?: ProviderError
  /** For a skipped target: when its circuit lets a probe through. */
  retryInMs?: number
}

const keptStatuses = new Set<number>([400, 401, 403, 404, 413, 415, 422])

function typeOf(status: number): ErrorType {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 413) return 'request_too_large'
  return 'invalid_request_error'
}

/** A client error from one target, returned without falling back. */
export function attributed(error: ProviderError): ModelportError {
  if (error.status === undefined || error.status >= 500) {
    return new ModelportError(502, 'upstream_error', error.code, error.message)
  }
  // Statuses the contract does not list (402, 409, …) travel in the message; the answer is a 400.
  const status = (keptStatuses.has(error.status) ? error.status : 400) as ErrorStatus
  return new ModelportError(
    status,
    typeOf(status),
    error.upstreamCode ?? 'upstream_rejected',
    error.message,
    error.param,
  )
}

/**
 * A local model that cannot serve now (still loading, unloaded on request, failed to load): the server
 * knows it without calling anything, so it is no upstream failure and says nothing of the target's health.
 */
export function isLocalRefusal(error: ProviderError): boolean {
  return error.code === 'local_error' && error.status === 503
}

function reasonOf(error: ProviderError): string {
  if (isLocalRefusal(error)) return error.message.replace(`${error.target}: `, '').replace(/\.$/, '')
  switch (error.code) {
    case 'upstream_status':
    case 'local_error':
      return String(error.status ?? 'error')
    case 'connect_timeout':
      return 'connect timeout'
    case 'headers_timeout':
      return 'no response headers in time'
    case 'body_timeout':
      return 'body stalled'
    case 'stream_truncated':
      return 'stream cut short'
    case 'invalid_response':
      return 'invalid answer'
    default:
      return error.message.replace(`${error.target}: `, '').replace(/\.$/, '')
  }
}

/** `openai/gpt-4o-mini: 503 (×2); claude/claude-haiku-4-5: connection refused` */
export function summarize(failures: readonly Failure[]): string {
  const byTarget = new Map<string, { reason: string; count: number }>()
  for (const failure of failures) {
    const reason = failure.error ? reasonOf(failure.error) : 'circuit open'
    const seen = byTarget.get(failure.target)
    byTarget.set(failure.target, { reason, count: (seen?.count ?? 0) + 1 })
  }
  return [...byTarget]
    .map(([target, { reason, count }]) => `${target}: ${reason}${count > 1 ? ` (×${count})` : ''}`)
    .join('; ')
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

export function deadlineFailure(
  route: string,
  timeoutMs: number,
  failures: readonly Failure[],
): ModelportError {
  const tried = failures.length ? ` (${summarize(failures)})` : ''
  return new ModelportError(
    504,
    'upstream_error',
    'deadline_exceeded',
    `No target of '${route}' answered within ${timeoutMs} ms${tried}.`,
  )
}

/** Every target failed with a retryable error, or none could be tried. */
export function exhausted(route: string, failures: readonly Failure[]): ModelportError {
  const errors = failures.flatMap((failure) => (failure.error ? [failure.error] : []))
  if (errors.length === 0) {
    const waits = failures.map((failure) => failure.retryInMs ?? 0)
    return new ModelportError(
      503,
      'upstream_error',
      'no_target_available',
      `No target is available for '${route}': every circuit is open (${summarize(failures)}).`,
      null,
      waits.length ? seconds(Math.min(...waits)) : undefined,
    )
  }
  if (errors.every(isLocalRefusal)) {
    const waits = errors.flatMap((error) => (error.retryAfterMs === undefined ? [] : [error.retryAfterMs]))
    const only = new Set(failures.map((failure) => failure.target)).size === 1 ? errors.at(-1) : undefined
    return new ModelportError(
      503,
      'server_error',
      only?.upstreamCode ?? 'no_target_available',
      only?.message ?? `No target of '${route}' can serve now (${summarize(failures)}).`,
      null,
      waits.length ? seconds(Math.min(...waits)) : undefined,
    )
  }
  if (errors.every((error) => error.status === 429)) {
    const waits = errors.flatMap((error) => (error.retryAfterMs === undefined ? [] : [error.retryAfterMs]))
    return new ModelportError(
      429,
      'rate_limit_error',
      'rate_limited',
      `Every target of '${route}' is rate limited (${summarize(failures)}).`,
      null,
      waits.length ? seconds(Math.min(...waits)) : undefined,
    )
  }
  return new ModelportError(
    502,
    'upstream_error',
    'upstream_failed',
    `Every target of '${route}' failed: ${summarize(failures)}.`,
  )
}

/** The client went away: nobody reads this answer, but the request must still end. */
export function clientGone(): ModelportError {
  return new ModelportError(503, 'server_error', 'client_closed_request', 'The client closed the request.')
}
