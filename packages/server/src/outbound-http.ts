/**
 * Outbound HTTP for remote providers on Node: one undici Agent (keep-alive pool per origin, connect,
 * headers and body timeouts) called through its dispatcher API rather than its WHATWG `fetch`. A JSON
 * body then goes out in one write with its headers and comes back as a Node stream, with no web
 * Request, Response or ReadableStream built for it; a web stream is made only when a provider streams.
 */
import { Readable } from 'node:stream'
import { Agent, type Dispatcher, interceptors } from 'undici'
import type { HttpConfig } from './config/config-types.js'
import type { FetchFunction, UpstreamResponse } from './providers/provider-http.js'

export interface OutboundHttp {
  fetch: FetchFunction
  /** Closes every pooled socket; call once the server has stopped. */
  close(): Promise<void>
}

type IncomingHeaders = Dispatcher.ResponseData['headers']

/** `Headers.get` over undici's plain header object (names lower-case; repeated headers joined). */
class HeaderView {
  readonly #headers: IncomingHeaders
  constructor(headers: IncomingHeaders) {
    this.#headers = headers
  }
  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()]
    if (value === undefined) return null
    return Array.isArray(value) ? value.join(', ') : value
  }
}

class DispatcherResponse implements UpstreamResponse {
  readonly status: number
  readonly headers: HeaderView
  readonly #body: Dispatcher.ResponseData['body']
  #stream: ReadableStream<Uint8Array> | undefined

  constructor(answer: Dispatcher.ResponseData) {
    this.status = answer.statusCode
    this.headers = new HeaderView(answer.headers)
    this.#body = answer.body
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= Readable.toWeb(this.#body) as ReadableStream<Uint8Array>
    return this.#stream
  }

  text(): Promise<string> {
    return this.#body.text()
  }
}

/** The request's headers over ours, names lower-cased so a configured `User-Agent` replaces ours. */
function withDefaults(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'user-agent': 'modelport', 'accept-encoding': 'gzip, deflate, br' }
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string
  return out
}

export function createOutboundHttp(config: HttpConfig): OutboundHttp {
  const dispatcher = new Agent({
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connections: config.connections,
  }).compose(
    interceptors.redirect({ maxRedirections: 20 }), // as many as `fetch` follows
    // Bodies come compressed when the upstream chooses (large embeddings answers), as with `fetch`;
    // error answers too, since their messages are read.
    interceptors.decompress({ skipErrorResponses: false }),
  )
  const fetch: FetchFunction = async (url, init) => {
    const { signal } = init
    // undici acts on an abort only once the request holds a connection: one aborted while it connects
    // or waits for a free socket would otherwise wait for that, past the deadline or the client.
    if (signal.aborted) throw signal.reason
    const { origin, pathname, search } = new URL(url)
    const answer = dispatcher.request({
      origin,
      path: pathname + search,
      method: init.method,
      headers: withDefaults(init.headers),
      body: init.body,
      signal,
    })
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort)
      // After an abort undici still settles the request (and destroys any body it had): no leak.
      answer.then(
        (data) => {
          signal.removeEventListener('abort', onAbort)
          resolve(new DispatcherResponse(data))
        },
        (error) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      )
    })
  }
  return { fetch, close: () => dispatcher.destroy() }
}
