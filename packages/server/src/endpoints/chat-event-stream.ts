/**
 * Writes a routed chat stream as server-sent events: `data: <chunk>` per chunk, `data: [DONE]` at a
 * proper end. A failure after the first byte cannot fall back any more; it ends the stream with
 * `event: error` and the error object, and no `[DONE]`, so no client mistakes a cut for an answer.
 * A client that goes away cancels the stream, which aborts the upstream.
 */
import type { Context } from 'hono'
import type { ChatChunk, ChatStream } from '../core/provider.js'
import { ProviderError } from '../providers/provider-error.js'
import { DeadlineExceededError } from '../routing/deadline.js'

export interface StreamLog {
  error(message: string, fields?: Record<string, unknown>): void
}

/** The `data` of an `event: error`, in the `/v1` error shape. */
export function streamErrorBody(error: unknown) {
  const described =
    error instanceof DeadlineExceededError
      ? {
          message: `The request's deadline of ${error.timeoutMs} ms passed mid-stream.`,
          code: 'deadline_exceeded',
        }
      : ProviderError.is(error)
        ? { message: error.message, code: error.code }
        : { message: 'Internal server error.', code: 'internal_error' }
  return { error: { ...described, type: 'upstream_error', param: null } }
}

export function chatEventStream(c: Context, stream: ChatStream, log: StreamLog, requestId: string): Response {
  const encoder = new TextEncoder()
  const iterator = stream[Symbol.asyncIterator]()
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) =>
    controller.enqueue(encoder.encode(text))
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<ChatChunk>
      try {
        next = await iterator.next()
      } catch (error) {
        const event = streamErrorBody(error)
        log.error('stream failed after the first byte', {
          requestId,
          code: event.error.code,
          message: event.error.message,
        })
        send(controller, `event: error\ndata: ${JSON.stringify(event)}\n\n`)
        controller.close()
        return
      }
      if (next.done) {
        send(controller, 'data: [DONE]\n\n')
        controller.close()
      } else send(controller, `data: ${JSON.stringify(next.value)}\n\n`)
    },
    cancel: () => stream.cancel(),
  })
  c.header('content-type', 'text/event-stream; charset=utf-8')
  c.header('cache-control', 'no-cache')
  c.header('x-accel-buffering', 'no')
  c.set('streaming', true)
  return c.body(body, 200)
}
