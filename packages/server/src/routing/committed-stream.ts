/**
 * A stream the router has committed to: its first chunk is already read (or it ended cleanly), and
 * from here on nothing falls back. Failures go to the caller as they are; the request's deadline is
 * released when the stream ends or is cancelled.
 */

import { wrapChatStream } from '../core/chat-stream.js'
import type { ChatChunk, ChatStream } from '../core/provider.js'
import { ProviderError } from '../providers/provider-error.js'
import type { CircuitBreaker } from './circuit-breaker.js'
import type { Deadline } from './deadline.js'

export interface FirstRead {
  stream: ChatStream
  iterator: AsyncIterator<ChatChunk>
  first: IteratorResult<ChatChunk>
}

export function committedStream(opened: FirstRead, breaker: CircuitBreaker, deadline: Deadline): ChatStream {
  const { stream, iterator, first } = opened
  async function* chunks(): AsyncGenerator<ChatChunk> {
    try {
      if (first.done) return
      yield first.value
      while (true) {
        let next: IteratorResult<ChatChunk>
        try {
          next = await iterator.next()
        } catch (error) {
          if (deadline.signal.aborted) throw deadline.signal.reason
          // A cut mid-stream is the upstream failing too: it counts towards its circuit.
          if (ProviderError.is(error) && error.isRetryable) breaker.recordFailure()
          throw error
        }
        if (next.done) return
        yield next.value
      }
    } finally {
      deadline.dispose()
    }
  }
  return wrapChatStream(
    chunks(),
    () => stream.cancel(),
    () => deadline.dispose(),
  )
}
