/**
 * Errors with an HTTP meaning. Routes, tasks and runtimes throw these; `http/errors.ts` turns them into
 * the contract's two error shapes in one place. Anything else becomes a bare 500.
 */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'server_error'

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504

export class ModelportError extends Error {
  override name = 'ModelportError'
  constructor(
    readonly status: ErrorStatus,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    /** Seconds a client should wait before retrying (sent as `Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

export const badRequest = (code: string, message: string, param: string | null = null) =>
  new ModelportError(400, 'invalid_request_error', code, message, param)

export const forbidden = (code: string, message: string) =>
  new ModelportError(403, 'permission_error', code, message)

export const notFound = (code: string, message: string, param: string | null = null) =>
  new ModelportError(404, 'not_found_error', code, message, param)

export const tooLarge = (message: string, code = 'body_too_large') =>
  new ModelportError(413, 'request_too_large', code, message)

export const unsupportedMedia = (message: string) =>
  new ModelportError(415, 'invalid_request_error', 'unsupported_media_type', message)

export const rateLimited = (code: string, message: string, retryAfter?: number) =>
  new ModelportError(429, 'rate_limit_error', code, message, null, retryAfter)

export const unavailable = (code: string, message: string, retryAfter?: number) =>
  new ModelportError(503, 'server_error', code, message, null, retryAfter)

/** An error as it crosses a thread: a thrown error keeps only its message there, so its fields go as data. */
export interface ErrorFields {
  message: string
  status?: ErrorStatus
  type?: ErrorType
  code?: string
  param?: string | null
  retryAfter?: number
}

export function errorFields(error: unknown): ErrorFields {
  if (error instanceof ModelportError) {
    const { status, type, code, message, param, retryAfter } = error
    return { status, type, code, message, param, ...(retryAfter !== undefined && { retryAfter }) }
  }
  return { message: (error as Error)?.message ?? String(error) }
}

/** The error `errorFields` described: a `ModelportError` again when it was one. */
export function errorFromFields(fields: ErrorFields): Error {
  if (fields.status !== undefined && fields.type !== undefined && fields.code !== undefined) {
    return new ModelportError(
      fields.status,
      fields.type,
      fields.code,
      fields.message,
      fields.param ?? null,
      fields.retryAfter,
    )
  }
  return new Error(fields.message)
}
