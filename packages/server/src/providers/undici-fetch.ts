/**
 * Outbound HTTP for remote providers on Node: one undici Agent (keep-alive pool per origin, connect,
 * headers and body timeouts) called through its dispatcher API rather than its WHATWG `fetch`. A JSON
 * body then goes out in one write with its headers and comes back as a Node stream, with no web
 * Request, Response or ReadableStream built for it; a web stream is made only when a provider streams.
 * What `fetch` did besides is done here only when an answer needs it: following a redirect, and
 * decompressing a compressed body. undici's redirect and decompress interceptors measured about a
 * third off a bare proxy's throughput on every request, redirected or not.
 */
import { pipeline, type Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { Agent, type Dispatcher } from 'undici'
import type { HttpConfig } from '../config/config-types.js'
import type { AbortSignalLike } from '../core/cancellation.js'
import { type FetchFunction, MAX_REDIRECTS, redirectHeaders, type UpstreamResponse } from './provider-http.js'
import {
  BodyCollector,
  type BodyLimit,
  DEFAULT_MAX_RESPONSE_BYTES,
  declaredOver,
  effectiveLimit,
  ResponseTooLargeError,
} from './response-limit.js'

export interface OutboundHttp {
  fetch: FetchFunction
  /** Closes every pooled socket; call once the server has stopped. */
  close(): Promise<void>
}

type IncomingHeaders = Dispatcher.ResponseData['headers']

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

/**
 * A Node body as a web stream, read only when the reader pulls, and failed once past `maxBytes`. Not
 * `Readable.toWeb`: its adapter pushes on 'data', and a body cancelled while data still flowed made Node
 * 20 throw from an enqueue on the closed controller — an uncaught exception that ended the process.
 */
function webStreamOf(source: Readable, maxBytes: number): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  let bytes = 0
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next()
        if (next.done) return controller.close()
        bytes += next.value.byteLength
        if (bytes > maxBytes) {
          source.destroy()
          throw new ResponseTooLargeError(maxBytes)
        }
        controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength))
      },
      async cancel() {
        source.destroy()
        await chunks.return?.()
      },
    },
    { highWaterMark: 0 },
  )
}

class DispatcherResponse implements UpstreamResponse {
  readonly status: number
  readonly headers: HeaderView
  readonly #raw: Dispatcher.ResponseData['body']
  /** The body decompressed, when it came compressed. */
  readonly #decoded: Readable | undefined
  readonly #maxBytes: number
  #stream: ReadableStream<Uint8Array> | undefined

  constructor(answer: Dispatcher.ResponseData, maxBytes: number) {
    this.status = answer.statusCode
    this.headers = new HeaderView(answer.headers)
    this.#raw = answer.body
    this.#maxBytes = maxBytes
    const encoding = headerOf(answer.headers, 'content-encoding')?.trim().toLowerCase()
    const decoder = encoding ? decoders[encoding] : undefined
    // A failure on either side destroys both: a cut upstream fails the read, a cancelled read the request.
    // The budget counts decompressed bytes: a small compressed body may expand a thousandfold.
    this.#decoded = decoder && (pipeline(answer.body, decoder(), () => {}) as unknown as Readable)
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= webStreamOf(this.#decoded ?? this.#raw, this.#maxBytes)
    return this.#stream
  }

  async text(limit?: BodyLimit): Promise<string> {
    const bounded = effectiveLimit(this.#maxBytes, limit)
    const source = this.#decoded ?? this.#raw
    const declared = this.#decoded ? null : this.headers.get('content-length')
    if (bounded.over === 'fail' && declaredOver(declared, bounded.maxBytes)) {
      source.destroy()
      throw new ResponseTooLargeError(bounded.maxBytes)
    }
    // A declared length within the limit is all undici reads: its own collector is the fastest.
    if (bounded.over === 'fail' && declared !== null && declared !== '') return this.#raw.text()
    const collector = new BodyCollector(bounded)
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) if (!collector.add(chunk)) break
    } finally {
      // Whatever was left unread (a body cut at its limit, or failed past it) is not waited for.
      if (!source.readableEnded) source.destroy()
    }
    return collector.text()
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
  const maxResponseBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
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
      if (location === undefined || redirects === MAX_REDIRECTS)
        return new DispatcherResponse(answer, maxResponseBytes)
      await answer.body.dump()
      // As `fetch` does: 307 and 308 repeat the request; 303, and 301 or 302 after a POST, fetch with GET.
      if (statusCode === 303 || ((statusCode === 301 || statusCode === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
        const { 'content-type': _, ...rest } = headers
        headers = rest
      }
      const next = new URL(location, target)
      headers = redirectHeaders(headers, target, next)
      target = next
    }
  }
  return { fetch, close: () => dispatcher.destroy() }
}
