import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  describeCause,
  errorFromEvent,
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
      'a /v1 shape with a null code',
      {
        given: { text: '{"error":{"message":"gone","type":"not_found_error","code":null,"param":null}}' },
        want: {
          message: 'gone',
          code: undefined,
          body: { error: { message: 'gone', type: 'not_found_error', code: null, param: null } },
        },
      },
    ],
    [
      'an error member that is neither shape',
      {
        given: { text: '{"error":42}' },
        want: { message: 'HTTP 404: {"error":42}', code: undefined, body: { error: 42 } },
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

  it('every class matches its own kind from a second copy of the module, and only its own', async () => {
    // A query string makes Vite treat the same file as a different module: a second instance, like a
    // duplicate install of the SDK.
    const specifier = '../src/errors.ts?copy'
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../src/errors')
    expect(copy.ModelportError).not.toBe(ModelportError)
    expect(copy.NotFoundError).not.toBe(NotFoundError)

    const foreign = copy.errorFromResponse(404, new Headers(), { error: 'nope' }, '')
    expect(foreign instanceof copy.NotFoundError).toBe(true)
    expect(foreign instanceof NotFoundError).toBe(true)
    expect(foreign instanceof ModelportError).toBe(true)
    expect(foreign instanceof BadRequestError).toBe(false)
    expect(foreign instanceof InternalServerError).toBe(false)
    expect(new copy.ModelportError('x') instanceof ModelportError).toBe(true)
    expect(new copy.ModelportError('x') instanceof NotFoundError).toBe(false)
    expect(new ModelportError('x') instanceof copy.ModelportError).toBe(true)
    expect(new NotFoundError('x') instanceof copy.ModelportError).toBe(true)
    expect(new NotFoundError('x') instanceof copy.NotFoundError).toBe(true)
    expect(new RateLimitError('x') instanceof copy.NotFoundError).toBe(false)
    expect(new copy.TimeoutError('x') instanceof TimeoutError).toBe(true)
    expect(new copy.TimeoutError('x') instanceof ConnectionError).toBe(false)
    expect(new Error('x') instanceof copy.ModelportError).toBe(false)
    expect({ name: 'NotFoundError' } instanceof copy.NotFoundError).toBe(false)
  })

  it("a caller's subclass matches itself and its parents, not its siblings", () => {
    class ModelGoneError extends NotFoundError {}
    const gone = new ModelGoneError('gone', { status: 404 })
    expect(gone instanceof ModelGoneError).toBe(true)
    expect(gone instanceof NotFoundError).toBe(true)
    expect(gone instanceof ModelportError).toBe(true)
    expect(new NotFoundError('x') instanceof ModelGoneError).toBe(false)
    expect(gone.name).toBe('NotFoundError')
  })
})

describe('errorFromEvent', () => {
  const headers = new Headers({ 'x-request-id': 'req-s' })
  const cases: [string, { given: string; want: { Class: ErrorClass; message: string; code?: string } }][] = [
    [
      'a rate limit',
      {
        given: JSON.stringify({
          error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited', param: null },
        }),
        want: { Class: RateLimitError, message: 'slow down', code: 'rate_limited' },
      },
    ],
    [
      'an upstream failure',
      {
        given: JSON.stringify({
          error: {
            message: 'openai/gpt: reset',
            type: 'upstream_error',
            code: 'upstream_failed',
            param: null,
          },
        }),
        want: { Class: InternalServerError, message: 'openai/gpt: reset', code: 'upstream_failed' },
      },
    ],
    [
      'a bad request',
      {
        given: JSON.stringify({
          error: { message: 'bad', type: 'invalid_request_error', code: null, param: 'model' },
        }),
        want: { Class: BadRequestError, message: 'bad' },
      },
    ],
    [
      'the /v2 shape',
      { given: '{"error":"broken"}', want: { Class: InternalServerError, message: 'broken' } },
    ],
    [
      'text that is not JSON',
      {
        given: 'upstream hung up',
        want: { Class: InternalServerError, message: 'The stream failed: upstream hung up' },
      },
    ],
  ]
  it.each(cases)('classes %s by its type', (_, { given, want }) => {
    const error = errorFromEvent(given, headers)
    expect(error.constructor).toBe(want.Class)
    expect(error.message).toBe(want.message)
    expect(error.code).toBe(want.code)
    expect(error.status).toBeUndefined()
    expect(error.requestId).toBe('req-s')
  })
})

describe('describeCause', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
  const cases: [string, { given: unknown; want: string }][] = [
    [
      'fetch failed with a cause',
      {
        given: new TypeError('fetch failed', { cause: refused }),
        want: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
      },
    ],
    [
      'a cause with a code and no message (an AggregateError)',
      {
        given: new TypeError('fetch failed', {
          cause: Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }),
        }),
        want: 'fetch failed: ECONNREFUSED',
      },
    ],
    ['no cause', { given: new Error('socket hang up'), want: 'socket hang up' }],
    ['not an error', { given: 'boom', want: 'boom' }],
  ]
  it.each(cases)('%s', (_, { given, want }) => {
    expect(describeCause(given)).toBe(want)
  })
})
