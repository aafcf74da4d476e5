/**
 * The outbound HTTP every remote provider shares: JSON requests through an injected `fetch`, failures
 * classified into `ProviderError`s (connect, headers and body timeouts, refused connections, error
 * statuses, malformed answers), and `Retry-After` read in both of its forms plus `retry-after-ms`.
 *
 * Longer than most files here: the `fetch` contract, its bounded web implementation and the
 * classification of everything it can fail with are read together whenever a failure mode is added.
 */

import { type AbortSignalLike, toAbortSignal } from '../core/cancellation.js'
import { badRequest } from '../core/errors.js'
import { ProviderError } from './provider-error.js'
import {
  type BodyLimit,
  countingStream,
  DEFAULT_MAX_RESPONSE_BYTES,
  declaredOver,
  ERROR_BODY_BYTES,
  effectiveLimit,
  ResponseTooLargeError,
  readWebBody,
} from './response-limit.js'
import { upstreamCode, upstreamMessage, upstreamParam } from './upstream-text.js'

/** What a provider sends: always a POST of JSON text. */
export interface UpstreamInit {
  method: 'POST'
  headers: Record<string, string>
  body: string
  signal: AbortSignalLike
}

/**
 * What a provider reads of an answer: the part of the web `Response` it uses, so a standard `fetch`
 * qualifies as is, and Node can answer from undici's dispatcher without building web streams for
 * bodies it reads whole.
 */
export interface UpstreamResponse {
  readonly ok: boolean
  readonly status: number
  readonly headers: { get(name: string): string | null }
  /**
   * The body as a stream, for server-sent events; read it or `text()`, not both. The transport's budget
   * (`maxResponseBytes`) holds: past it the stream errors with `ResponseTooLargeError`.
   */
  readonly body: ReadableStream<Uint8Array> | null
  /**
   * The body as text, within the transport's budget and `limit` when given: past it, `fail` rejects with
   * `ResponseTooLargeError`, `cut` keeps the start; either way the rest is not read.
   */
  text(limit?: BodyLimit): Promise<string>
}

/** How a provider reaches its upstream: `fetch` on the edge, undici's dispatcher on Node. */
export type FetchFunction = (url: string, init: UpstreamInit) => Promise<UpstreamResponse>

/** A web `Response` read within a budget. */
class BoundedWebResponse implements UpstreamResponse {
  #body: ReadableStream<Uint8Array> | null | undefined
  constructor(
    readonly response: Response,
    readonly maxBytes: number,
  ) {}
  get ok() {
    return this.response.ok
  }
  get status() {
    return this.response.status
  }
  get headers() {
    return this.response.headers
  }
  get body() {
    if (this.#body === undefined) {
      const raw = this.response.body
      this.#body = raw ? raw.pipeThrough(countingStream(this.maxBytes)) : null
    }
    return this.#body
  }
  async text(limit?: BodyLimit) {
    const bounded = effectiveLimit(this.maxBytes, limit)
    if (
      bounded.over === 'fail' &&
      declaredOver(this.response.headers.get('content-length'), bounded.maxBytes)
    ) {
      await this.response.body?.cancel().catch(() => {})
      throw new ResponseTooLargeError(bounded.maxBytes)
    }
    return readWebBody(this.response.body, bounded)
  }
}

/** Headers that say nothing secret, and so may follow a redirect to another origin. */
const portableHeaders = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'anthropic-version',
  'content-type',
  'user-agent',
])

/**
 * The headers for the next hop of a redirect. To another origin (scheme, host or port) only the
 * portable ones go: `Authorization`, `x-api-key`, a provider's custom headers — anything configured that
 * could be a credential — stay behind, whatever it is called.
 */
export function redirectHeaders(headers: Record<string, string>, from: URL, to: URL): Record<string, string> {
  if (from.origin === to.origin) return headers
  const kept: Record<string, string> = {}
  for (const name in headers)
    if (portableHeaders.has(name.toLowerCase())) kept[name] = headers[name] as string
  return kept
}

/** As many redirects as `fetch` follows. */
export const MAX_REDIRECTS = 20

/**
 * The runtime's own `fetch` (a plain function call: Workers refuse one invoked with another `this`),
 * following redirects itself so that no credential header reaches another origin.
 */
export function boundedWebFetch(maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES): FetchFunction {
  return async (url, init) => {
    const signal = toAbortSignal(init.signal)
    let target = new URL(url)
    let method: string = init.method
    let body: string | undefined = init.body
    let headers = init.headers
    for (let redirects = 0; ; redirects++) {
      const response = await globalThis.fetch(target, { method, headers, body, signal, redirect: 'manual' })
      const location =
        response.status >= 300 && response.status < 400 ? response.headers.get('location') : null
      if (location === null || redirects === MAX_REDIRECTS)
        return new BoundedWebResponse(response, maxResponseBytes)
      await response.body?.cancel().catch(() => {})
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET'
        body = undefined
      }
      const next = new URL(location, target)
      headers = redirectHeaders(headers, target, next)
      target = next
    }
  }
}

/** The runtime's own `fetch`, answers read within the default budget. */
export const webFetch: FetchFunction = boundedWebFetch()

export interface Upstream {
  /** `<provider>/<model>`, for messages and headers. */
  target: string
  fetch: FetchFunction
  /** Values that must never appear in a message (the provider's key). */
  secrets: readonly string[]
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
])

function findTooLarge(error: unknown): ResponseTooLargeError | undefined {
  let current: unknown = error
  for (let depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    if (ResponseTooLargeError.is(current)) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = []
  let current: unknown = error
  for (let depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') codes.push(code)
    current = (current as { cause?: unknown }).cause
  }
  return codes
}

/**
 * Turns whatever `fetch` or a body read threw into a `ProviderError`. When the call's signal was
 * aborted (deadline or client gone) the abort reason is returned as is: that is the router's to judge.
 */
export function failureOf(error: unknown, target: string, signal?: AbortSignalLike): unknown {
  if (signal?.aborted) return signal.reason
  if (ProviderError.is(error)) return error
  const tooLarge = findTooLarge(error)
  if (tooLarge) {
    return new ProviderError(
      'response_too_large',
      target,
      `${target}: its answer is over the limit of ${tooLarge.maxBytes} bytes (maxResponseBytes).`,
    )
  }
  const codes = causeCodes(error)
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT'))
    return new ProviderError('connect_timeout', target, `${target}: connect timeout.`)
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT'))
    return new ProviderError('headers_timeout', target, `${target}: no response headers in time.`)
  if (codes.includes('UND_ERR_BODY_TIMEOUT'))
    return new ProviderError('body_timeout', target, `${target}: the response body stalled.`)
  const code = codes.find((c) => connectionCodes.has(c))
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code
        ? `connection failed (${code})`
        : 'connection failed'
  return new ProviderError('connection_failed', target, `${target}: ${reason}.`)
}

/** Milliseconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; undefined if absent. */
export function retryAfterOf(
  headers: UpstreamResponse['headers'],
  now: number = Date.now(),
): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds
  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The message, code and param an upstream put in its error body, whatever its dialect, sanitized. */
function describeErrorBody(
  text: string,
  secrets: readonly string[],
): { message?: string; code?: string; param: string | null } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const trimmed = text.trim()
    return trimmed && !trimmed.startsWith('<')
      ? { message: upstreamMessage(trimmed, secrets), param: null }
      : { param: null }
  }
  const body = parsed as Record<string, unknown> | null
  const error = body?.error
  const inner = (typeof error === 'object' && error !== null ? error : body) as Record<string, unknown> | null
  const message =
    typeof error === 'string' ? error : (inner?.message ?? inner?.detail ?? body?.message ?? body?.detail)
  return {
    message: typeof message === 'string' ? upstreamMessage(message, secrets) : undefined,
    code: upstreamCode(inner?.code) ?? upstreamCode(inner?.type),
    param: upstreamParam(inner?.param, secrets),
  }
}

/** The error for a non-2xx answer: `openai/gpt-4o-mini answered 400: <upstream message, sanitized>`. */
export async function statusError(response: UpstreamResponse, upstream: Upstream): Promise<ProviderError> {
  const retryAfterMs = retryAfterOf(response.headers)
  let text = ''
  try {
    text = await response.text({ maxBytes: ERROR_BODY_BYTES, over: 'cut' })
  } catch {
    // The status says enough; a body that fails to arrive adds nothing.
  }
  // Sliced again: a `fetch` injected by a test or an embedder may return a plain Response.
  const { message, code, param } = describeErrorBody(text.slice(0, ERROR_BODY_BYTES), upstream.secrets)
  const detail = message ? `: ${message}` : '.'
  return new ProviderError(
    'upstream_status',
    upstream.target,
    `${upstream.target} answered ${response.status}${detail}`,
    {
      status: response.status,
      retryAfterMs,
      upstreamCode: code,
      param,
    },
  )
}

/**
 * The body as JSON text. A client's body nested deeper than `JSON.stringify` can go (it throws a
 * RangeError) is the client's to fix: a 400, not a connection failure blamed on the upstream.
 */
function serialize(body: unknown): string {
  try {
    return JSON.stringify(body)
  } catch {
    throw badRequest('invalid_request', 'The request body is nested too deeply to forward; flatten it.')
  }
}

/** POSTs JSON; resolves with a 2xx response, or throws a classified failure. */
export async function postJson(
  upstream: Upstream,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignalLike,
): Promise<UpstreamResponse> {
  const text = serialize(body)
  let response: UpstreamResponse
  try {
    response = await upstream.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
      signal,
    })
  } catch (error) {
    throw failureOf(error, upstream.target, signal)
  }
  if (!response.ok) throw await statusError(response, upstream)
  return response
}

/** Reads a whole JSON body; a stall or a cut is a timeout or connection failure, bad JSON an invalid response. */
export async function readJsonBody(
  response: UpstreamResponse,
  upstream: Upstream,
  signal: AbortSignalLike,
): Promise<unknown> {
  return (await readJsonText(response, upstream, signal)).value
}

/** As `readJsonBody`, with the text it was parsed from, for answering with the upstream's own bytes. */
export async function readJsonText(
  response: UpstreamResponse,
  upstream: Upstream,
  signal: AbortSignalLike,
): Promise<{ text: string; value: unknown }> {
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    throw failureOf(error, upstream.target, signal)
  }
  try {
    return { text, value: JSON.parse(text) }
  } catch {
    throw invalidResponse(upstream.target, 'malformed JSON')
  }
}

export function invalidResponse(target: string, what: string): ProviderError {
  return new ProviderError('invalid_response', target, `${target} sent an invalid answer: ${what}.`)
}

/**
 * Joins a base URL and a path without doubling or losing the slash; a query on the base (Azure OpenAI's
 * `?api-version=`) stays at the end.
 */
export function joinUrl(base: string, path: string): string {
  const query = base.indexOf('?')
  const head = query === -1 ? base : base.slice(0, query)
  const search = query === -1 ? '' : base.slice(query)
  return `${head.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}${search}`
}
