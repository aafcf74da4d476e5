/**
 * Decodes an OpenAI chat stream. The stream is complete only at `data: [DONE]`: a body that ends before
 * it died midway, and that is an error, never a finished answer.
 */

import type { AbortSignalLike } from '../../core/cancellation.js'
import type { ChatChunk } from '../../core/provider.js'
import { ProviderError } from '../provider-error.js'
import { invalidResponse, type Upstream, type UpstreamResponse } from '../provider-http.js'
import { readServerSentEvents } from '../provider-stream.js'
import { upstreamMessage } from '../upstream-text.js'

export async function* openAICompatibleChunks(
  response: UpstreamResponse,
  upstream: Upstream,
  signal: AbortSignalLike,
  release: () => void,
): AsyncGenerator<ChatChunk> {
  const { target } = upstream
  try {
    for await (const event of readServerSentEvents(response, target, signal)) {
      if (event.data === '[DONE]') return
      let parsed: unknown
      try {
        parsed = JSON.parse(event.data)
      } catch {
        throw invalidResponse(target, 'malformed JSON in a stream event')
      }
      const chunk = parsed as ChatChunk & { error?: { message?: string; code?: unknown } }
      if (chunk?.error || event.event === 'error') {
        throw new ProviderError(
          'stream_error',
          target,
          `${target} reported mid-stream: ${upstreamMessage(chunk.error?.message, upstream.secrets)}`,
        )
      }
      if (!Array.isArray(chunk?.choices)) throw invalidResponse(target, 'a stream event without choices')
      yield chunk
    }
    throw new ProviderError('stream_truncated', target, `${target}: the stream ended before [DONE].`)
  } finally {
    release()
  }
}
