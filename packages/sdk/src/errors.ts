/**
 * Errors thrown by the client. Every HTTP failure is a `ModelportError` with the status, a stable
 * `code`, the request id and the parsed body; a subclass per status lets callers `catch` precisely.
 */

const marker = Symbol.for('modelport.sdk.error')

/** Base of every error this SDK throws; `instanceof` works across duplicate installs. */
export class ModelportError extends Error {
  override name = 'ModelportError'
  /** HTTP status, or `undefined` when no response arrived. */
  readonly status: number | undefined
  /** A stable code: the server's `error.code`, or one of this SDK's (`connection_error`, …). */
  readonly code: string | undefined
  /** The server's `x-request-id`, for support and logs. */
  readonly requestId: string | undefined
  /** The parsed error body, if the server sent one. */
  readonly body: unknown
  readonly headers: Headers | undefined
  readonly [marker] = true

  constructor(
    message: string,
    init: {
      status?: number
      code?: string
      requestId?: string
      body?: unknown
      headers?: Headers
      cause?: unknown
    } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.status = init.status
    this.code = init.code
    this.requestId = init.requestId
    this.body = init.body
    this.headers = init.headers
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: subclasses must keep their own prototype-chain check
    if (this !== ModelportError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && marker in value
  }
}

export class BadRequestError extends ModelportError {
  override name = 'BadRequestError'
}
export class AuthenticationError extends ModelportError {
  override name = 'AuthenticationError'
}
export class PermissionDeniedError extends ModelportError {
  override name = 'PermissionDeniedError'
}
export class NotFoundError extends ModelportError {
  override name = 'NotFoundError'
}
export class ConflictError extends ModelportError {
  override name = 'ConflictError'
}
export class PayloadTooLargeError extends ModelportError {
  override name = 'PayloadTooLargeError'
}
export class UnprocessableEntityError extends ModelportError {
  override name = 'UnprocessableEntityError'
}
export class RateLimitError extends ModelportError {
  override name = 'RateLimitError'
}
export class InternalServerError extends ModelportError {
  override name = 'InternalServerError'
}
/** No response: the connection failed. */
export class ConnectionError extends ModelportError {
  override name = 'ConnectionError'
}
/** No response within the configured timeout. */
export class TimeoutError extends ModelportError {
  override name = 'TimeoutError'
}
/** The caller's `AbortSignal` fired. */
export class UserAbortError extends ModelportError {
  override name = 'UserAbortError'
}

const byStatus: Record<number, typeof ModelportError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
}

/** Builds the error for an HTTP failure from either contract error shape, or from any other body. */
export function errorFromResponse(
  status: number,
  headers: Headers,
  body: unknown,
  text: string,
): ModelportError {
  let message: string | undefined
  let code: string | undefined
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error
    if (typeof error === 'string') message = error
    else if (typeof error === 'object' && error !== null) {
      const { message: m, code: c } = error as { message?: unknown; code?: unknown }
      if (typeof m === 'string') message = m
      if (typeof c === 'string') code = c
    }
  }
  message ??= text.trim()
    ? `HTTP ${status}: ${text.trim().slice(0, 500)}`
    : `HTTP ${status} with an empty body`
  const Class = byStatus[status] ?? (status >= 500 ? InternalServerError : ModelportError)
  return new Class(message, {
    status,
    code,
    requestId: headers.get('x-request-id') ?? undefined,
    body,
    headers,
  })
}
