/**
 * Why an upstream call failed, with a stable `code` and an `isRetryable` flag that the router reads
 * instead of parsing messages. Messages never carry a provider key: upstream text is redacted first.
 */

export type ProviderErrorCode =
  /** Refused, reset or closed before an answer. */
  | 'connection_failed'
  | 'connect_timeout'
  /** The upstream accepted the connection but sent no status line in time. */
  | 'headers_timeout'
  /** The body (or a stream) stalled between two reads. */
  | 'body_timeout'
  /** The upstream answered with an HTTP error status. */
  | 'upstream_status'
  /** The answer was not the JSON (or event) the protocol promises. */
  | 'invalid_response'
  /** The answer (or a stream) passed the most bytes an upstream answer may take (`maxResponseBytes`). */
  | 'response_too_large'
  /** A stream ended before its terminal event. */
  | 'stream_truncated'
  /** The upstream reported an error inside a stream. */
  | 'stream_error'
  /** The request asks for something this target cannot do. */
  | 'unsupported_request'
  /** A local model refused or could not take the call (bad input, loading, queue full). */
  | 'local_error'

const marker = Symbol.for('modelport.provider-error')

export interface ProviderErrorDetails {
  /** The upstream's HTTP status (or the local model's). */
  status?: number
  /** How long the upstream asked us to wait, from `Retry-After` or `retry-after-ms`. */
  retryAfterMs?: number
  /** The upstream's own error code, when it is a plain identifier. */
  upstreamCode?: string
  param?: string | null
  isRetryable?: boolean
}

export class ProviderError extends Error {
  override name = 'ProviderError'
  readonly isRetryable: boolean
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly upstreamCode: string | undefined
  readonly param: string | null
  readonly [marker] = true

  constructor(
    readonly code: ProviderErrorCode,
    /** `<provider>/<model>`: the target that failed. */
    readonly target: string,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    super(message)
    this.status = details.status
    this.retryAfterMs = details.retryAfterMs
    this.upstreamCode = details.upstreamCode
    this.param = details.param ?? null
    this.isRetryable = details.isRetryable ?? defaultRetryable(code, details.status)
  }

  /** True for a ProviderError from any copy of this module. */
  static is(value: unknown): value is ProviderError {
    return typeof value === 'object' && value !== null && marker in value
  }
}

/** Fall back on 408, 429 and 5xx; never on other client errors (400, 401, 403, 404, 422, …). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

function defaultRetryable(code: ProviderErrorCode, status: number | undefined): boolean {
  switch (code) {
    case 'upstream_status':
    case 'local_error':
      return status !== undefined && isRetryableStatus(status)
    case 'unsupported_request':
      return false
    default:
      return true
  }
}
