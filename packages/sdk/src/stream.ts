/**
 * A server-sent event stream as an async iterator of typed chunks.
 */
import { parseJson, type WithResponse } from './client.js'
import { ConnectionError, errorFromEvent, type ModelportError } from './errors.js'
import { createEventParser, type ServerSentEvent } from './sse.js'

/**
 * Iterate it with `for await`; `break` aborts the request. An `event: error` is thrown as the typed
 * error it carries, and a stream that ends without `data: [DONE]` throws a `ConnectionError`. The request
 * starts on first use; its errors before the stream starts (such as a 400 or a retried 503) surface there.
 */
export interface Stream<T> extends AsyncIterable<T> {
  /** The HTTP response once its headers arrive. Its `body` is the raw event stream, for piping instead of iterating. */
  readonly response: Promise<Response>
}

/** A stream over the response `start` gets; `failure` types an error that breaks it. */
export function createStream<T>(
  start: () => Promise<WithResponse<Response>>,
  failure: (cause: unknown) => ModelportError,
): Stream<T> {
  let started: Promise<Response> | undefined
  return {
    get response() {
      started ??= start().then((raw) => raw.response)
      return started
    },
    async *[Symbol.asyncIterator]() {
      const response = await this.response
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      const events: ServerSentEvent[] = []
      const feed = createEventParser((event) => events.push(event))
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>
          try {
            chunk = await reader.read()
          } catch (cause) {
            throw failure(cause)
          }
          feed(decoder.decode(chunk.value, { stream: !chunk.done }), chunk.done)
          for (const event of events.splice(0)) {
            if (event.event === 'error') throw errorFromEvent(event.data, response.headers)
            if (event.data === '[DONE]') return
            yield parseJson<T>(event.data, response)
          }
          if (chunk.done)
            throw new ConnectionError('The stream ended before its [DONE] event.', {
              code: 'stream_truncated',
              headers: response.headers,
            })
        }
      } finally {
        // Ends the transfer when the loop stops early (`break`, a thrown error) and frees the connection.
        reader.cancel().catch(() => {})
      }
    },
  }
}
