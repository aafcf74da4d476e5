/** The JSON answer of a chat completion, put together from its chunks. */
import type { ChatChunk, ChatCompletion } from '../../core/provider.js'
import { type LogprobEntry, SYSTEM_FINGERPRINT, type Usage } from './chat-run.js'

export async function collectCompletion(
  chunks: AsyncIterable<ChatChunk>,
  promptTokens: number,
): Promise<ChatCompletion> {
  let content = ''
  let first: ChatChunk | undefined
  let finish: ChatCompletion['choices'][number]['finish_reason'] = null
  let logprobs: LogprobEntry[] | undefined
  let usage: Usage | undefined
  let completionTokens = 0
  for await (const chunk of chunks) {
    first ??= chunk
    if (chunk.usage) usage = chunk.usage as Usage
    const choice = chunk.choices[0]
    if (!choice) continue
    if (typeof choice.delta.content === 'string') content += choice.delta.content
    const entries = (choice as { logprobs?: { content: LogprobEntry[] } }).logprobs?.content
    if (entries) {
      logprobs = [...(logprobs ?? []), ...entries]
      completionTokens += entries.length
    }
    if (choice.finish_reason) finish = choice.finish_reason
  }
  const base = first as ChatChunk
  return {
    id: base.id,
    object: 'chat.completion',
    created: base.created,
    model: base.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: finish,
        logprobs: logprobs ? { content: logprobs, refusal: null } : null,
      },
    ],
    usage: usage ?? {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  }
}
