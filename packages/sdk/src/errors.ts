/**
 * Errors thrown by the client. Every failure is a `ModelportError` with the status, a stable `code`, the
 * request id and the parsed body; a subclass per status lets callers `catch` precisely.
 */

const marker = Symbol.for('modelport.sdk.error')

export interface ErrorInit {
  status?: number | undefined
  code?: string | undefined
  requestId?: string | undefined
  body?: unknown
  headers?: Headers | undefined
  cause?: unknown
}

/** Base of every error this SDK throws; `instanceof` works for every class across duplicate installs. */
export class ModelportError extends Error {
  /** The class's identity across copies of the SDK, where class objects differ but kinds match. */
  static readonly kind: string = 'ModelportError'
  /** HTTP status, or `undefined` when no response arrived (or the error came inside a stream). */
  readonly status: number | undefined
  /** A stable code: the server's `error.code`, or one of this SDK's (`connection_error`, …). */
  readonly code: string | undefined
  /** The server's `x-request-id`, for support and logs. */
  readonly requestId: string | undefined
  /** The parsed error body, if the server sent one. */
  readonly body: unknown
  readonly headers: Headers | undefined
  readonly [marker] = true

  constructor(message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = (new.target as typeof ModelportError).kind
    this.status = init.status
    this.code = init.code
    this.requestId = init.requestId ?? init.headers?.get('x-request-id') ?? undefined
    this.body = init.body
    this.headers = init.headers
  }

  // biome-ignore-start lint/complexity/noThisInStatic: `this` is the class asked about, a subclass included
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true
    // Another copy of the SDK: match by kind along the value's class chain. A class without its own
    // kind (a caller's subclass) is only ever matched by the ordinary check above.
    if (!(value as { [marker]?: true } | null)?.[marker] || !Object.hasOwn(this, 'kind')) return false
    for (let c = (value as object).constructor; c; c = Object.getPrototypeOf(c))
      if ((c as typeof ModelportError).kind === this.kind) return true
    return false
  }
  // biome-ignore-end lint/complexity/noThisInStatic: end of the method above
}

export class BadRequestError extends ModelportError {
  static override readonly kind = 'BadRequestError'
}
export class AuthenticationError extends ModelportError {
  static override readonly kind = 'AuthenticationError'
}
export class PermissionDeniedError extends ModelportError {
  static override readonly kind = 'PermissionDeniedError'
}
export class NotFoundError extends ModelportError {
  static override readonly kind = 'NotFoundError'
}
export class ConflictError extends ModelportError {
  static override readonly kind = 'ConflictError'
}
export class PayloadTooLargeError extends ModelportError {
  static override readonly kind = 'PayloadTooLargeError'
}
export class UnprocessableEntityError extends ModelportError {
  static override readonly kind = 'UnprocessableEntityError'
}
export class RateLimitError extends ModelportError {
  static override readonly kind = 'RateLimitError'
}
/** Any status of 500 or above. */
export class InternalServerError extends ModelportError {
  static override readonly kind = 'InternalServerError'
}
/** No response: the connection failed or broke. */
export class ConnectionError extends ModelportError {
  static override readonly kind = 'ConnectionError'
}
/** No response within the timeout. */
export class TimeoutError extends ModelportError {
  static override readonly kind = 'TimeoutError'
}
/** The caller's `AbortSignal` fired. */
export class UserAbortError extends ModelportError {
  static override readonly kind = 'UserAbortError'
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

/** The status each `/v1` error `type` stands for, to class an error inside a stream; any other is a 5xx. */
const statusOfType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
}

const classOf = (status: number | undefined) =>
  (status && byStatus[status]) || (status && status >= 500 ? InternalServerError : ModelportError)

/** Reads `{"error": {"message", "type", "code"}}` (/v1) or `{"error": "message"}` (/v2). */
function readBody(body: unknown): { message?: unknown; code?: unknown; type?: unknown } {
  const error = (body as { error?: unknown } | null)?.error
  return typeof error === 'string' ? { message: error } : typeof error === 'object' && error ? error : {}
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined)

const excerpt = (text: string) => text.trim().slice(0, 500)

/** The error a body describes; without an HTTP status (in a stream) it is classed by the body's `type`. */
function fromBody(status: number | undefined, headers: Headers, body: unknown, fallback: string) {
  const { message, code, type } = readBody(body)
  const Class = classOf(status ?? statusOfType[text(type) ?? ''] ?? 500)
  return new Class(text(message) ?? fallback, { status, code: text(code), body, headers })
}

/** Builds the error for an HTTP failure from either contract error shape, or from any other body. */
export const errorFromResponse = (
  status: number,
  headers: Headers,
  body: unknown,
  raw: string,
): ModelportError =>
  fromBody(
    status,
    headers,
    body,
    excerpt(raw) ? `HTTP ${status}: ${excerpt(raw)}` : `HTTP ${status} with an empty body`,
  )

/** Builds the error an `event: error` of a stream carries (a `/v1` error body). */
export const errorFromEvent = (data: string, headers: Headers): ModelportError =>
  fromBody(undefined, headers, tryJson(data), `The stream failed: ${excerpt(data) || 'no detail'}`)

/** The error for a request the caller's signal aborted. */
export const abortError = (cause: unknown) =>
  new UserAbortError('The request was aborted.', { code: 'aborted', cause })

/** `JSON.parse`, or `undefined` for text that is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The message of an error and of its cause, e.g. `fetch failed: connect ECONNREFUSED 127.0.0.1:1`. */
export function describeCause(cause: unknown): string {
  const outer = cause as { message?: string; cause?: { message?: string; code?: string } } | undefined
  const inner = outer?.cause
  return [outer?.message || String(cause), inner?.message || inner?.code].filter(Boolean).join(': ')
}
