/**
 * The HTTP core: one `request()` that every typed method goes through.
 */
import { ConnectionError, errorFromResponse, ModelportError, TimeoutError, UserAbortError } from './errors.js'

export interface ClientOptions {
  /** Where the server is, e.g. `http://localhost:8080`. */
  baseUrl: string
  /** Sent as `Authorization: Bearer`; defaults to `MODELPORT_API_KEY` where a process environment exists. */
  apiKey?: string | undefined
  /** Milliseconds to wait for a response before giving up (default 60 000). */
  timeout?: number
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof fetch
  /** Headers sent with every request. */
  headers?: Record<string, string>
}

/** Per-call overrides. */
export interface RequestOptions {
  signal?: AbortSignal
  timeout?: number
  headers?: Record<string, string>
}

export interface HttpRequest extends RequestOptions {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  /** Statuses that are answers rather than errors (readiness probes answer 503 when not ready). */
  accept?: number[]
}

function defaultApiKey(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  return env?.MODELPORT_API_KEY || undefined
}

export class HttpClient {
  readonly baseUrl: string
  readonly #apiKey: string | undefined
  readonly #timeout: number
  readonly #fetch: typeof fetch
  readonly #headers: Record<string, string>

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.#apiKey = options.apiKey ?? defaultApiKey()
    this.#timeout = options.timeout ?? 60_000
    // Bound late so a fetch patched after the client is made (tests, instrumentation) is used.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.#headers = options.headers ?? {}
  }

  /** Sends one request and returns the parsed JSON body and the response, or throws a `ModelportError`. */
  async request<T>(req: HttpRequest): Promise<{ data: T; response: Response }> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers, ...req.headers }
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`
    let body: string | undefined
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(req.body)
    }
    const timeout = req.timeout ?? this.#timeout
    const timer = AbortSignal.timeout(timeout)
    const signal = req.signal ? AbortSignal.any([req.signal, timer]) : timer
    let response: Response
    try {
      response = await this.#fetch(this.baseUrl + req.path, { method: req.method, headers, body, signal })
    } catch (cause) {
      throw this.#failure(cause, req.signal, timer, timeout)
    }
    let text: string
    try {
      text = await response.text()
    } catch (cause) {
      throw this.#failure(cause, req.signal, timer, timeout)
    }
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    if (!response.ok && !req.accept?.includes(response.status)) {
      throw errorFromResponse(response.status, response.headers, parsed, text)
    }
    if (parsed === undefined) {
      throw new ModelportError(`Expected JSON from ${req.method} ${req.path}, got: ${text.slice(0, 200)}`, {
        status: response.status,
        code: 'invalid_response',
        requestId: response.headers.get('x-request-id') ?? undefined,
        headers: response.headers,
      })
    }
    return { data: parsed as T, response }
  }

  #failure(
    cause: unknown,
    user: AbortSignal | undefined,
    timer: AbortSignal,
    timeout: number,
  ): ModelportError {
    if (user?.aborted) return new UserAbortError('The request was aborted.', { code: 'aborted', cause })
    if (timer.aborted)
      return new TimeoutError(`No response within ${timeout} ms.`, { code: 'timeout', cause })
    const reason = cause instanceof Error ? cause.message : String(cause)
    return new ConnectionError(`Could not reach ${this.baseUrl}: ${reason}`, {
      code: 'connection_error',
      cause,
    })
  }
}
