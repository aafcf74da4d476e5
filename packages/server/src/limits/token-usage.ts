/**
 * Tokens a chat or embeddings answer cost, for tokens-per-minute limits: the answer's
 * `usage.total_tokens` when it reports one, else an estimate of about four characters per token (the
 * usual figure for English with OpenAI's tokenizers). Streams carry usage only in a final chunk when the
 * client asks for it (`stream_options.include_usage`); otherwise the prompt and the streamed text are
 * estimated.
 */

import { wrapChatStream } from '../core/chat-stream.js'
import type {
  ChatChunk,
  ChatCompletion,
  ChatRequest,
  ChatStream,
  EmbeddingsRequest,
} from '../core/provider.js'

export const estimateTokens = (characters: number) => Math.ceil(characters / 4)

function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length
  if (!Array.isArray(content)) return 0
  let length = 0
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text
    if (typeof text === 'string') length += text.length
  }
  return length
}

/** An estimate of a chat request's prompt tokens: its messages' text and tool-call arguments. */
export function estimatePromptTokens(request: ChatRequest): number {
  let characters = 0
  for (const message of request.messages) {
    characters += textLength(message.content)
    for (const call of message.tool_calls ?? []) characters += call.function.arguments.length
  }
  return estimateTokens(characters)
}

/** An embeddings request's tokens: token-id inputs count as they are, text is estimated. */
export function estimateEmbeddingsTokens(request: EmbeddingsRequest): number {
  const inputs =
    typeof request.input === 'string' || typeof request.input[0] === 'number'
      ? [request.input]
      : request.input
  let tokens = 0
  for (const input of inputs as (string | number[])[])
    tokens += typeof input === 'string' ? estimateTokens(input.length) : input.length
  return tokens
}

/** The tokens of an answer: its reported usage, or the estimate when it reports none. */
export function usedTokens(
  usage: { total_tokens?: number } | null | undefined,
  estimate: () => number,
): number {
  const reported = usage?.total_tokens
  return typeof reported === 'number' && reported > 0 ? reported : estimate()
}

/**
 * Wraps a chat stream so that when it ends (done, failed or cancelled) `charge` gets its tokens: the
 * final usage chunk's total, or the prompt estimate plus the streamed text's.
 */
export function meterChatStream(
  stream: ChatStream,
  request: ChatRequest,
  charge: (tokens: number) => void,
): ChatStream {
  let usage: ChatChunk['usage']
  let characters = 0
  let charged = false
  const settle = () => {
    if (charged) return
    charged = true
    charge(usedTokens(usage, () => estimatePromptTokens(request) + estimateTokens(characters)))
  }
  async function* chunks(): AsyncGenerator<ChatChunk> {
    try {
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage
        for (const choice of chunk.choices) {
          characters += textLength(choice.delta.content)
          for (const call of choice.delta.tool_calls ?? [])
            characters += call.function?.arguments?.length ?? 0
        }
        yield chunk
      }
    } finally {
      settle()
    }
  }
  return wrapChatStream(chunks(), () => stream.cancel(), settle)
}

/** The tokens of a chat answer: its reported usage, or the prompt's and the answer's text estimated. */
export function chatTokens(request: ChatRequest, completion: ChatCompletion): number {
  return usedTokens(completion.usage, () => {
    let characters = 0
    for (const choice of completion.choices) characters += textLength(choice.message.content)
    return estimatePromptTokens(request) + estimateTokens(characters)
  })
}
