/**
 * Errors with an HTTP meaning. Routes and runtimes throw these; `http/errors.ts` turns them into the
 * contract's two error shapes in one place. Anything else becomes a bare 500.
 */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'server_error'

export class ModelportError extends Error {
  override name = 'ModelportError'
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 500 | 503,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message)
  }
}

export const badRequest = (code: string, message: string, param: string | null = null) =>
  new ModelportError(400, 'invalid_request_error', code, message, param)

export const notFound = (code: string, message: string, param: string | null = null) =>
  new ModelportError(404, 'not_found_error', code, message, param)

export const tooLarge = (message: string) =>
  new ModelportError(413, 'request_too_large', 'body_too_large', message)

export const unavailable = (code: string, message: string) =>
  new ModelportError(503, 'server_error', code, message)
