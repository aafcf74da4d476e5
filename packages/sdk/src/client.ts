/**
 * The HTTP core: one `request()` that every typed method goes through. It owns headers, timeouts,
 * retries and the mapping of failures to typed errors.
 */
import {
  abortError,
  ConnectionError,
  describeCause,
  errorFromResponse,
  ModelportError,
  TimeoutError,
  tryJson,
} from './errors.js'
import { retryDelay, sleep } from './retry.js'

/** Header values; `null` removes a header the client would send (such as `authorization`). */
export type HeaderValues = Record<string, string | null | undefined>

export interface ClientOptions {
  /** Where the server is, e.g. `http://localhost:8080`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer`; defaults to `MODELPORT_API_KEY` where a process environment exists. */
  apiKey?: string | undefined
  /** Milliseconds each attempt may take before it is abandoned (default 60 000; 0 for no limit). */
  timeout?: number | undefined
  /** Retries after the first attempt on connection errors, timeouts, 408, 409, 429 and 5xx (default 2). */
  maxRetries?: number | undefined
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof fetch | undefined
  /** Headers sent with every request; they win over the client's own, `authorization` included. */
  headers?: HeaderValues | undefined
}

/** Per-call overrides, taken last by every method. */
export interface RequestOptions {
  signal?: AbortSignal | undefined
  /** Milliseconds per attempt (0 for no limit). For streams it covers the wait for the response's headers. */
  timeout?: number | undefined
  maxRetries?: number | undefined
  /** Merged over the client's headers, names compared case-insensitively. */
  headers?: HeaderValues | undefined
}

export interface HttpRequest extends RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  query?: Record<string, string | number | boolean | undefined> | undefined
  /** A JSON body. */
  json?: unknown
  /** A body sent as is, with `contentType`. */
  body?: BodyInit | undefined
  contentType?: string | undefined
  /** The `accept` header (default `application/json`). */
  accept?: string | undefined
  /** Statuses that are answers rather than errors (readiness probes answer 503 when not ready). */
  answers?: number[] | undefined
}

/** What a call resolves to beside its data: the HTTP response, for headers such as `x-request-id`. */
export interface WithResponse<T> {
  data: T
  response: Response
}

/** `globalThis` where a process environment may exist (Node, Bun, Deno), for the default API key. */
type WithProcess = { process?: { env?: Record<string, string | undefined> } }

/** Parses a JSON body, or throws `invalid_response` naming what came instead. */
export function parseJson<T>(text: string, response: Response): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw new ModelportError(
      `Expected JSON from ${response.url || 'the server'}, got: ${text.slice(0, 200)}`,
      {
        status: response.status,
        code: 'invalid_response',
        headers: response.headers,
      },
    )
  }
}

/** Reads a JSON answer. */
export const readJson = async <T>(response: Response): Promise<T> =>
  parseJson<T>(await response.text(), response)

/** The HTTP core of one client. */
export type HttpClient = ReturnType<typeof createHttpClient>

export function createHttpClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  // An empty `MODELPORT_API_KEY` sends no key: `authorization` is only set for a non-empty one.
  const apiKey = options.apiKey ?? (globalThis as WithProcess).process?.env?.MODELPORT_API_KEY
  // Bound late so a fetch patched after the client is made (tests, instrumentation) is used.
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  /** The typed error for a request that got no (complete) response. */
  const failure = (
    cause: unknown,
    user: AbortSignal | undefined,
    timedOut: number | false,
  ): ModelportError =>
    user?.aborted
      ? abortError(cause)
      : timedOut !== false
        ? new TimeoutError(`No response within ${timedOut} ms.`, { code: 'timeout', cause })
        : new ConnectionError(`Could not reach ${baseUrl}: ${describeCause(cause)}`, {
            code: 'connection_error',
            cause,
          })

  /**
   * Sends a request, retrying as `retryDelay` allows, and returns what `read` makes of the response.
   * `read` runs inside the attempt, under its timeout: a body that stalls or breaks is retried too.
   * A stream's `read` returns at once, so nothing is retried once the stream has started.
   */
  async function request<T>(
    req: HttpRequest,
    read: (response: Response) => T | Promise<T>,
  ): Promise<WithResponse<T>> {
    const search = req.query
      ? new URLSearchParams(
          Object.entries(req.query).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ).toString()
      : ''
    const url = `${baseUrl}${req.path}${search ? `?${search}` : ''}`
    // A plain record, names lower-cased so a caller's `Content-Type` replaces ours: fetch builds its own
    // Headers from it either way, and a Headers object of ours would cost a second one per call.
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json' }
    if (apiKey) headers.authorization = `Bearer ${apiKey}`
    let body = req.body
    if (req.json !== undefined) body = JSON.stringify(req.json)
    const contentType = req.json === undefined ? req.contentType : 'application/json'
    if (contentType) headers['content-type'] = contentType
    if (options.headers || req.headers) {
      for (const [name, value] of Object.entries({ ...options.headers, ...req.headers })) {
        if (value == null) delete headers[name.toLowerCase()]
        else headers[name.toLowerCase()] = value
      }
    }
    const timeout = req.timeout ?? options.timeout ?? 60_000
    const maxRetries = req.maxRetries ?? options.maxRetries ?? 2

    for (let retries = 0; ; retries++) {
      // A timeout of 0 is none, and spares fetch the abort signal it would otherwise watch per call.
      const timer = timeout > 0 ? new AbortController() : undefined
      const timeoutId = timer && setTimeout(() => timer.abort(), timeout)
      const signal =
        timer && req.signal ? AbortSignal.any([req.signal, timer.signal]) : (timer?.signal ?? req.signal)
      let error: ModelportError
      try {
        const response = await fetcher(url, { method: req.method, headers, body, signal })
        if (response.ok || req.answers?.includes(response.status))
          return { data: await read(response), response }
        const text = await response.text()
        error = errorFromResponse(response.status, response.headers, tryJson(text), text)
      } catch (cause) {
        if (cause instanceof ModelportError) throw cause
        error = failure(cause, req.signal, !!timer?.signal.aborted && timeout)
      } finally {
        clearTimeout(timeoutId)
      }
      const delay = retries < maxRetries ? retryDelay(error, retries) : undefined
      if (delay === undefined) throw error
      await sleep(delay, req.signal)
    }
  }

  return { request, failure }
}
