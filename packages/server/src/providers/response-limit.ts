/**
 * How much of an upstream's answer is read. Every body is read against a budget (`http.maxResponseBytes`):
 * a whole answer over it, or a stream once it has carried that much, fails with `ResponseTooLargeError`
 * and the rest is never read. An error answer's body is read only as far as its message is used.
 */

/** Read a body whole, failing past `maxBytes`; or `cut` it there, keeping the start (error messages). */
export interface BodyLimit {
  maxBytes: number
  over: 'fail' | 'cut'
}

/** The default budget for an upstream answer: 64 MiB (2,048 embeddings of 1,536 dimensions fit). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

/** The most an error body is read: its message is cut to a few hundred characters anyway. */
export const ERROR_BODY_BYTES = 8192

const marker = Symbol.for('modelport.response-too-large')

/** An upstream answer passed the budget; `failureOf` makes it a `response_too_large` ProviderError. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError'
  readonly code = 'MODELPORT_RESPONSE_TOO_LARGE'
  readonly [marker] = true
  constructor(readonly maxBytes: number) {
    super(`The upstream answer is over the limit of ${maxBytes} bytes (maxResponseBytes).`)
  }

  static is(value: unknown): value is ResponseTooLargeError {
    return typeof value === 'object' && value !== null && marker in value
  }
}

/** Whether a declared `Content-Length` already says the body is over `maxBytes`. */
export function declaredOver(contentLength: string | null | undefined, maxBytes: number): boolean {
  const length = Number(contentLength)
  return contentLength != null && contentLength !== '' && Number.isFinite(length) && length > maxBytes
}

/**
 * Collects chunks up to a limit: `add` says whether to go on; with `over: 'fail'` it throws instead.
 * Shared by the Node and the web readers.
 */
export class BodyCollector {
  readonly #chunks: Uint8Array[] = []
  #bytes = 0
  constructor(readonly limit: BodyLimit) {}

  /** Takes a chunk; false once the limit is reached and reading should stop. */
  add(chunk: Uint8Array): boolean {
    const room = this.limit.maxBytes - this.#bytes
    if (chunk.byteLength > room) {
      if (this.limit.over === 'fail') throw new ResponseTooLargeError(this.limit.maxBytes)
      this.#chunks.push(chunk.subarray(0, room))
      this.#bytes += room
      return false
    }
    this.#chunks.push(chunk)
    this.#bytes += chunk.byteLength
    return this.#bytes < this.limit.maxBytes || this.limit.over === 'fail'
  }

  text(): string {
    const decoder = new TextDecoder()
    let out = ''
    for (const chunk of this.#chunks) out += decoder.decode(chunk, { stream: true })
    return out + decoder.decode()
  }
}

/** The narrower of a call's limit and the transport's budget. */
export function effectiveLimit(budget: number, limit?: BodyLimit): BodyLimit {
  if (!limit || limit.maxBytes >= budget) return { maxBytes: budget, over: 'fail' }
  return limit
}

/** Counts a stream's bytes as they pass; errors it once they pass `maxBytes`. */
export function countingStream(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let bytes = 0
  return new TransformStream({
    transform(chunk, controller) {
      bytes += chunk.byteLength
      if (bytes > maxBytes) controller.error(new ResponseTooLargeError(maxBytes))
      else controller.enqueue(chunk)
    },
  })
}

/** Reads a web body under a limit, cancelling the rest. */
export async function readWebBody(
  body: ReadableStream<Uint8Array> | null,
  limit: BodyLimit,
): Promise<string> {
  if (!body) return ''
  const collector = new BodyCollector(limit)
  const reader = body.getReader()
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) return collector.text()
      if (!collector.add(value)) return collector.text()
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
