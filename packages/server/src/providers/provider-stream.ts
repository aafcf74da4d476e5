/**
 * Server-sent events from an upstream body, and the `ChatStream` that wraps a provider's chunk
 * generator so the router can cancel it (which aborts the upstream request and frees its socket).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import type { AbortSignalLike, Cancellation } from '../cancellation.js'
import { failureOf, type UpstreamResponse } from './provider-http.js'
import type { ChatChunk, ChatStream } from './types.js'

/** Yields each event of an SSE body; read failures surface as classified `ProviderError`s. */
export async function* readServerSentEvents(
  response: UpstreamResponse,
  target: string,
  signal: AbortSignalLike,
): AsyncGenerator<EventSourceMessage> {
  if (!response.body) return
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const pending: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (event) => pending.push(event) })
  let finished = false
  try {
    while (true) {
      let read: ReadableStreamReadResult<Uint8Array>
      try {
        read = await reader.read()
      } catch (error) {
        throw failureOf(error, target, signal)
      }
      if (read.done) {
        finished = true
        parser.feed(decoder.decode())
        yield* pending.splice(0)
        return
      }
      parser.feed(decoder.decode(read.value, { stream: true }))
      yield* pending.splice(0)
    }
  } finally {
    // Stopping early (terminal event seen, or the consumer left): release the connection now.
    if (!finished) await reader.cancel().catch(() => {})
  }
}

/**
 * Wraps a chunk generator: iterating yields chunks; `cancel()` aborts the upstream, ends iteration and
 * calls `release` (a generator that never started never runs its own cleanup).
 */
export function chatStreamOf(
  chunks: AsyncGenerator<ChatChunk>,
  controller: Cancellation,
  release: () => void,
): ChatStream {
  return {
    [Symbol.asyncIterator]: () => chunks,
    async cancel() {
      controller.abort(new DOMException('The stream was cancelled.', 'AbortError'))
      await chunks.return(undefined).catch(() => {})
      release()
    },
  }
}
