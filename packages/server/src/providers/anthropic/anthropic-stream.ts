/**
 * Anthropic stream events → OpenAI `chat.completion.chunk`s. `message_stop` is the only proper end:
 * a body that closes before it was cut, and an `error` event is the upstream saying so.
 */

import type { AbortSignalLike } from '../../core/cancellation.js'
import type { ChatChunk } from '../../core/provider.js'
import { ProviderError } from '../provider-error.js'
import { invalidResponse, type Upstream, type UpstreamResponse } from '../provider-http.js'
import { readServerSentEvents } from '../provider-stream.js'
import { upstreamMessage } from '../upstream-text.js'
import { JSON_TOOL_NAME } from './anthropic-request.js'
import { finishReasonOf, usageOf } from './anthropic-response.js'
import type { AnthropicStopReason, AnthropicStreamEvent, AnthropicUsage } from './anthropic-types.js'

type Delta = ChatChunk['choices'][number]['delta']

// Anthropic's error types that mean "try again later", as opposed to a bad request.
const transientErrors = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error'])

export interface AnthropicStreamOptions {
  jsonTool: boolean
  includeUsage: boolean
  created: number
}

export async function* anthropicChunks(
  response: UpstreamResponse,
  upstream: Upstream,
  signal: AbortSignalLike,
  release: () => void,
  options: AnthropicStreamOptions,
): AsyncGenerator<ChatChunk> {
  const { target } = upstream
  let id = ''
  let model = ''
  let stopReason: AnthropicStopReason = null
  const usage: AnthropicUsage = {}
  const toolIndexByBlock = new Map<number, number>()
  const jsonBlocks = new Set<number>()
  const chunk = (
    delta: Delta,
    finishReason: ChatChunk['choices'][number]['finish_reason'] = null,
  ): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created: options.created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })

  try {
    for await (const message of readServerSentEvents(response, target, signal)) {
      let event: AnthropicStreamEvent
      try {
        event = JSON.parse(message.data) as AnthropicStreamEvent
      } catch {
        throw invalidResponse(target, 'malformed JSON in a stream event')
      }
      switch (event.type) {
        case 'message_start':
          id = event.message.id
          model = event.message.model
          Object.assign(usage, event.message.usage)
          yield chunk({ role: 'assistant', content: '' })
          break
        case 'content_block_start': {
          const block = event.content_block
          if (block.type === 'text' && block.text) yield chunk({ content: block.text })
          else if (block.type === 'tool_use' && options.jsonTool && block.name === JSON_TOOL_NAME)
            jsonBlocks.add(event.index)
          else if (block.type === 'tool_use') {
            const index = toolIndexByBlock.size
            toolIndexByBlock.set(event.index, index)
            yield chunk({
              tool_calls: [
                {
                  index,
                  id: block.id ?? '',
                  type: 'function',
                  function: { name: block.name ?? '', arguments: '' },
                },
              ],
            })
          }
          break
        }
        case 'content_block_delta': {
          const { delta } = event
          if (delta.type === 'text_delta') yield chunk({ content: delta.text ?? '' })
          else if (delta.type === 'input_json_delta' && jsonBlocks.has(event.index))
            yield chunk({ content: delta.partial_json ?? '' })
          else if (delta.type === 'input_json_delta') {
            const index = toolIndexByBlock.get(event.index) ?? 0
            yield chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json ?? '' } }] })
          }
          break
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason
          Object.assign(usage, event.usage)
          yield chunk({}, finishReasonOf(stopReason, options.jsonTool))
          break
        case 'message_stop':
          if (options.includeUsage) yield { ...chunk({}), choices: [], usage: usageOf(usage) }
          return
        case 'error': {
          const text = upstreamMessage(event.error?.message, upstream.secrets)
          throw new ProviderError('stream_error', target, `${target} reported mid-stream: ${text}`, {
            isRetryable: transientErrors.has(event.error?.type ?? ''),
          })
        }
        default:
        // ping, content_block_stop, thinking blocks and future event types carry nothing to translate.
      }
    }
    throw new ProviderError('stream_truncated', target, `${target}: the stream ended before message_stop.`)
  } finally {
    release()
  }
}
