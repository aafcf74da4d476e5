/**
 * Server-sent events from an upstream body, and the `ChatStream` that wraps a provider's chunk
 * generator so the router can cancel it (which aborts the upstream request and frees its socket).
 */
import type { AbortSignalLike, Cancellation } from '../core/cancellation.js'
import { wrapChatStream } from '../core/chat-stream.js'
import { nextTurn } from '../core/next-turn.js'
import type { ChatChunk, ChatStream } from '../core/provider.js'
import { failureOf, invalidResponse, type UpstreamResponse } from './provider-http.js'
import { EventTooLargeError, type ServerSentEvent, ServerSentEventParser } from './sse-parser.js'

/**
 * A stream whose chunks are already buffered is read in promise callbacks alone, which never let timers
 * or other sockets run: after this long the reader lets the event loop turn.
 */
const TURN_EVERY_MS = 10

/**
 * Yields each event of an SSE body; read failures surface as classified `ProviderError`s, an event over
 * the parser's bound as an invalid answer.
 */
export async function* readServerSentEvents(
  response: UpstreamResponse,
  target: string,
  signal: AbortSignalLike,
): AsyncGenerator<ServerSentEvent> {
  if (!response.body) return
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const pending: ServerSentEvent[] = []
  const parser = new ServerSentEventParser((event) => pending.push(event))
  const feed = (text: string) => {
    try {
      parser.feed(text)
    } catch (error) {
      if (error instanceof EventTooLargeError) throw invalidResponse(target, error.message)
      throw error
    }
  }
  let finished = false
  let turned = performance.now()
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
        feed(decoder.decode())
        yield* pending.splice(0)
        return
      }
      feed(decoder.decode(read.value, { stream: true }))
      yield* pending.splice(0)
      if (performance.now() - turned > TURN_EVERY_MS) {
        await nextTurn()
        turned = performance.now()
      }
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
  const stop = () => controller.abort(new DOMException('The stream was cancelled.', 'AbortError'))
  return wrapChatStream(chunks, stop, release)
}
