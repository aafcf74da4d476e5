import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  errorFromResponse,
  InternalServerError,
  ModelportError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  UserAbortError,
} from '../src/errors'

type ErrorClass = typeof ModelportError

/** Builds the error the client would for a response with this status, headers and body text. */
function fromText(status: number, text: string, headers: Record<string, string> = {}) {
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  return errorFromResponse(status, new Headers(headers), body, text)
}

describe('errorFromResponse', () => {
  const v1 = JSON.stringify({
    error: {
      message: "Model 'nope' does not exist.",
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    },
  })

  const bodies: [
    string,
    { given: { text: string }; want: { message: string; code: string | undefined; body: unknown } },
  ][] = [
    [
      'the /v1 shape',
      {
        given: { text: v1 },
        want: { message: "Model 'nope' does not exist.", code: 'model_not_found', body: JSON.parse(v1) },
      },
    ],
    [
      'the /v2 shape',
      {
        given: { text: '{"error":"Model \'nope\' is not ready."}' },
        want: {
          message: "Model 'nope' is not ready.",
          code: undefined,
          body: { error: "Model 'nope' is not ready." },
        },
      },
    ],
    [
      'a /v1 shape without a code',
      {
        given: { text: '{"error":{"message":"bad","type":"invalid_request_error"}}' },
        want: {
          message: 'bad',
          code: undefined,
          body: { error: { message: 'bad', type: 'invalid_request_error' } },
        },
      },
    ],
    [
      'a non-JSON body',
      {
        given: { text: '<html>Bad Gateway</html>\n' },
        want: { message: 'HTTP 404: <html>Bad Gateway</html>', code: undefined, body: undefined },
      },
    ],
    [
      'JSON without an error member',
      {
        given: { text: '{"detail":"x"}' },
        want: { message: 'HTTP 404: {"detail":"x"}', code: undefined, body: { detail: 'x' } },
      },
    ],
    [
      'an empty body',
      {
        given: { text: '' },
        want: { message: 'HTTP 404 with an empty body', code: undefined, body: undefined },
      },
    ],
  ]
  it.each(bodies)('reads %s', (_, { given, want }) => {
    const error = fromText(404, given.text)
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toBe(want.message)
    expect(error.code).toBe(want.code)
    expect(error.body).toEqual(want.body)
    expect(error.status).toBe(404)
  })

  it('caps a long non-JSON body in the message', () => {
    const error = fromText(500, 'x'.repeat(10_000))
    expect(error.message).toBe(`HTTP 500: ${'x'.repeat(500)}`)
  })

  const statuses: [string, { given: number; want: { Class: ErrorClass; name: string } }][] = [
    ['400', { given: 400, want: { Class: BadRequestError, name: 'BadRequestError' } }],
    ['401', { given: 401, want: { Class: AuthenticationError, name: 'AuthenticationError' } }],
    ['403', { given: 403, want: { Class: PermissionDeniedError, name: 'PermissionDeniedError' } }],
    ['404', { given: 404, want: { Class: NotFoundError, name: 'NotFoundError' } }],
    ['409', { given: 409, want: { Class: ConflictError, name: 'ConflictError' } }],
    ['413', { given: 413, want: { Class: PayloadTooLargeError, name: 'PayloadTooLargeError' } }],
    ['422', { given: 422, want: { Class: UnprocessableEntityError, name: 'UnprocessableEntityError' } }],
    ['429', { given: 429, want: { Class: RateLimitError, name: 'RateLimitError' } }],
    ['500', { given: 500, want: { Class: InternalServerError, name: 'InternalServerError' } }],
    ['503', { given: 503, want: { Class: InternalServerError, name: 'InternalServerError' } }],
    [
      '418 (unmapped) is the base class',
      { given: 418, want: { Class: ModelportError, name: 'ModelportError' } },
    ],
  ]
  it.each(statuses)('maps status %s', (_, { given, want }) => {
    const error = fromText(given, '{"error":"nope"}', { 'x-request-id': `req-${given}` })
    expect(error.constructor).toBe(want.Class)
    expect(error.name).toBe(want.name)
    expect(error).toBeInstanceOf(ModelportError)
    expect(error).toBeInstanceOf(Error)
    expect(error.status).toBe(given)
    expect(error.requestId).toBe(`req-${given}`)
    expect(error.message).toBe('nope')
    expect(error.headers?.get('x-request-id')).toBe(`req-${given}`)
  })

  it('leaves requestId undefined without an x-request-id header', () => {
    expect(fromText(400, v1).requestId).toBeUndefined()
  })
})

describe('instanceof', () => {
  it('a subclass does not match a sibling subclass', () => {
    const error = new BadRequestError('bad', { status: 400 })
    expect(error instanceof BadRequestError).toBe(true)
    expect(error instanceof ModelportError).toBe(true)
    expect(error instanceof NotFoundError).toBe(false)
    expect(new ModelportError('base') instanceof NotFoundError).toBe(false)
  })

  it.each([
    ['a plain Error', new Error('x')],
    ['null', null],
    ['a string', 'ModelportError'],
    ['an object with the right name', { name: 'ModelportError', message: 'x' }],
  ])('%s is not a ModelportError', (_, value) => {
    expect(value instanceof ModelportError).toBe(false)
  })

  it.each([
    ['ConnectionError', ConnectionError],
    ['TimeoutError', TimeoutError],
    ['UserAbortError', UserAbortError],
  ])('%s keeps its cause and is a ModelportError', (_, Class) => {
    const cause = new Error('low level')
    const error = new Class('x', { cause, code: 'c' })
    expect(error).toBeInstanceOf(ModelportError)
    expect(error.cause).toBe(cause)
    expect(error.status).toBeUndefined()
  })

  it('a ModelportError from a second copy of the module is instanceof ModelportError', async () => {
    // A query string makes Vite treat the same file as a different module: a second instance, like a
    // duplicate install of the SDK.
    const specifier = '../src/errors.ts?copy'
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../src/errors')
    expect(copy.ModelportError).not.toBe(ModelportError)
    expect(copy.NotFoundError).not.toBe(NotFoundError)

    const foreign = copy.errorFromResponse(404, new Headers(), { error: 'nope' }, '')
    expect(foreign instanceof copy.NotFoundError).toBe(true)
    expect(foreign instanceof ModelportError).toBe(true)
    expect(new copy.ModelportError('x') instanceof ModelportError).toBe(true)
    expect(new ModelportError('x') instanceof copy.ModelportError).toBe(true)
    expect(new NotFoundError('x') instanceof copy.ModelportError).toBe(true)
    expect(new Error('x') instanceof copy.ModelportError).toBe(false)
  })
})
