/**
 * Outbound HTTP for remote providers on Node: one undici Agent (keep-alive pool per origin, connect,
 * headers and body timeouts) called through its dispatcher API rather than its WHATWG `fetch`. A JSON
 * body then goes out in one write with its headers and comes back as a Node stream, with no web
 * Request, Response or ReadableStream built for it; a web stream is made only when a provider streams.
 * What `fetch` did besides is done here only when an answer needs it: following a redirect, and
 * decompressing a compressed body. undici's redirect and decompress interceptors measured about a
 * third off a bare proxy's throughput on every request, redirected or not.
 */
import { pipeline, Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { Agent, type Dispatcher } from 'undici'
import type { AbortSignalLike } from './cancellation.js'
import type { HttpConfig } from './config/config-types.js'
import type { FetchFunction, UpstreamResponse } from './providers/provider-http.js'

export interface OutboundHttp {
  fetch: FetchFunction
  /** Closes every pooled socket; call once the server has stopped. */
  close(): Promise<void>
}

type IncomingHeaders = Dispatcher.ResponseData['headers']

/** As many redirects as `fetch` follows. */
const MAX_REDIRECTS = 20

const decoders: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
}

function headerOf(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** `Headers.get` over undici's plain header object (names lower-case; repeated headers joined). */
class HeaderView {
  readonly #headers: IncomingHeaders
  constructor(headers: IncomingHeaders) {
    this.#headers = headers
  }
  get(name: string): string | null {
    return headerOf(this.#headers, name.toLowerCase()) ?? null
  }
}

class DispatcherResponse implements UpstreamResponse {
  readonly status: number
  readonly headers: HeaderView
  readonly #raw: Dispatcher.ResponseData['body']
  /** The body decompressed, when it came compressed. */
  readonly #decoded: Readable | undefined
  #stream: ReadableStream<Uint8Array> | undefined

  constructor(answer: Dispatcher.ResponseData) {
    this.status = answer.statusCode
    this.headers = new HeaderView(answer.headers)
    this.#raw = answer.body
    const encoding = headerOf(answer.headers, 'content-encoding')?.trim().toLowerCase()
    const decoder = encoding ? decoders[encoding] : undefined
    // A failure on either side destroys both: a cut upstream fails the read, a cancelled read the request.
    this.#decoded = decoder && (pipeline(answer.body, decoder(), () => {}) as unknown as Readable)
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= Readable.toWeb(this.#decoded ?? this.#raw) as ReadableStream<Uint8Array>
    return this.#stream
  }

  async text(): Promise<string> {
    if (!this.#decoded) return this.#raw.text()
    return (await buffer(this.#decoded)).toString('utf8')
  }
}

/** The request's headers over ours, names lower-cased so a configured `User-Agent` replaces ours. */
function withDefaults(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'user-agent': 'modelport', 'accept-encoding': 'gzip, deflate, br' }
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string
  return out
}

/**
 * undici acts on an abort only once the request holds a connection: one aborted while it connects or
 * waits for a free socket would otherwise wait for that, past the deadline or the client. After an
 * abort undici still settles the request, and destroys any body it had: nothing leaks.
 */
function abortable<T>(request: Promise<T>, signal: AbortSignalLike): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort)
    request.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

export function createOutboundHttp(config: HttpConfig): OutboundHttp {
  const dispatcher = new Agent({
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connections: config.connections,
  })
  const fetch: FetchFunction = async (url, init) => {
    const { signal } = init
    if (signal.aborted) throw signal.reason
    let target = new URL(url)
    let method: string = init.method
    let body: string | undefined = init.body
    let headers = withDefaults(init.headers)
    for (let redirects = 0; ; redirects++) {
      const answer = await abortable(
        dispatcher.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
          signal,
        }),
        signal,
      )
      const { statusCode } = answer
      const location =
        statusCode >= 300 && statusCode < 400 ? headerOf(answer.headers, 'location') : undefined
      if (location === undefined || redirects === MAX_REDIRECTS) return new DispatcherResponse(answer)
      await answer.body.dump()
      // As `fetch` does: 307 and 308 repeat the request; 303, and 301 or 302 after a POST, fetch with GET.
      if (statusCode === 303 || ((statusCode === 301 || statusCode === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
        const { 'content-type': _, ...rest } = headers
        headers = rest
      }
      const next = new URL(location, target)
      // Credentials are not sent on to another origin.
      if (next.origin !== target.origin) {
        const { authorization: _, ...rest } = headers
        headers = rest
      }
      target = next
    }
  }
  return { fetch, close: () => dispatcher.destroy() }
}
