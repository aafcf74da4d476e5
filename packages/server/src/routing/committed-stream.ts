/**
 * A stream the router has committed to: its first chunk is already read (or it ended cleanly), and
 * from here on nothing falls back. Failures go to the caller as they are; the request's deadline is
 * released when the stream ends or is cancelled.
 */

import type { ChatChunk, ChatStream } from '../core/provider.js'
import { ProviderError } from '../providers/provider-error.js'
import type { CircuitBreaker } from './circuit-breaker.js'
import type { Deadline } from './deadline.js'

/** A stream that has produced its first chunk (or ended cleanly); nothing has been sent yet. */
export interface OpenedStream extends AsyncIterable<ChatChunk> {
  cancel(): Promise<void>
}

export interface FirstRead {
  stream: ChatStream
  iterator: AsyncIterator<ChatChunk>
  first: IteratorResult<ChatChunk>
}

export function committedStream(
  opened: FirstRead,
  breaker: CircuitBreaker,
  deadline: Deadline,
): OpenedStream {
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
  const generator = chunks()
  return {
    [Symbol.asyncIterator]: () => generator,
    async cancel() {
      await stream.cancel()
      await generator.return(undefined)
      deadline.dispose()
    },
  }
}
