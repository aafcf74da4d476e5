/**
 * The one way a chat stream is made from a chunk generator: the providers' upstream streams, the
 * router's committed stream and the token meter all wrap theirs here. Iterating yields the chunks;
 * `cancel()` stops the source, ends the generator (running its `finally`) and then calls `release`,
 * because a generator that never started never runs its own cleanup.
 */
import type { ChatChunk, ChatStream } from './provider.js'

export function wrapChatStream(
  chunks: AsyncGenerator<ChatChunk>,
  stop: () => unknown,
  release: () => void,
): ChatStream {
  return {
    [Symbol.asyncIterator]: () => chunks,
    async cancel() {
      await stop()
      await chunks.return(undefined).catch(() => {})
      release()
    },
  }
}
