/** Anthropic Messages answer → OpenAI chat completion: text, tool calls, stop reason and usage. */
import type { ChatCompletion } from '../../core/provider.js'
import { JSON_TOOL_NAME } from './anthropic-request.js'
import type {
  AnthropicContentBlock,
  AnthropicResponse,
  AnthropicStopReason,
  AnthropicUsage,
} from './anthropic-types.js'

type FinishReason = ChatCompletion['choices'][number]['finish_reason']
type Usage = NonNullable<ChatCompletion['usage']>

export function finishReasonOf(reason: AnthropicStopReason | undefined, jsonTool: boolean): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return jsonTool ? 'stop' : 'tool_calls'
    case 'refusal':
      return 'content_filter'
    default:
      return null
  }
}

/** Prompt tokens include the cached ones: OpenAI counts them in `prompt_tokens` too. */
export function usageOf(usage: AnthropicUsage | undefined): Usage {
  const prompt =
    (usage?.input_tokens ?? 0) +
    (usage?.cache_creation_input_tokens ?? 0) +
    (usage?.cache_read_input_tokens ?? 0)
  const completion = usage?.output_tokens ?? 0
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

export function fromAnthropicMessage(
  message: AnthropicResponse,
  jsonTool: boolean,
  created: number,
): ChatCompletion {
  let text = ''
  const toolCalls: NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']> = []
  for (const block of message.content as AnthropicContentBlock[]) {
    if (block.type === 'text') text += block.text
    else if (block.type === 'tool_use') {
      if (jsonTool && block.name === JSON_TOOL_NAME) text += JSON.stringify(block.input)
      else
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        })
    }
  }
  const reply: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text || toolCalls.length === 0 ? text : null,
  }
  if (toolCalls.length) reply.tool_calls = toolCalls
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [{ index: 0, message: reply, finish_reason: finishReasonOf(message.stop_reason, jsonTool) }],
    usage: usageOf(message.usage),
  }
}
