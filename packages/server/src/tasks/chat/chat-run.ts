/**
 * One local chat completion as OpenAI chunks: the prompt rendered and tokenized, tokens generated in
 * the model's worker, turned into text without splitting a character, stop strings held back and cut,
 * log probabilities and usage reported. The JSON answer is these chunks put together, so a stream and
 * a JSON answer to the same request (and seed) say the same.
 */
import type { AbortSignalLike } from '../../core/cancellation.js'
import type { ChatChunk } from '../../core/provider.js'
import type { GenerationStream } from '../../runtime/onnx/generation-session.js'
import type { ChatParameters } from './chat-parameters.js'
import { StopMatcher } from './stop-matcher.js'
import type { TextDecoder } from './text-decoder.js'
import type { TokenBytes } from './token-bytes.js'

export interface LogprobEntry {
  token: string
  logprob: number
  bytes: number[]
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>
}

export interface RunInput {
  id: string
  model: string
  created: number
  promptTokens: number
  generation: GenerationStream
  parameters: ChatParameters
  decoder: TextDecoder
  bytes: TokenBytes
  signal?: AbortSignalLike
}

type Choice = ChatChunk['choices'][number]
export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number }

export const SYSTEM_FINGERPRINT = 'modelport-local'

export async function* chatChunks(input: RunInput): AsyncGenerator<ChatChunk> {
  const { generation, parameters, decoder, bytes } = input
  const stops = new StopMatcher(parameters.stop)
  const withUsage = parameters.includeUsage ? { usage: null } : {}
  const chunk = (choice: Omit<Choice, 'index'>): ChatChunk => ({
    id: input.id,
    object: 'chat.completion.chunk',
    created: input.created,
    model: input.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ index: 0, ...choice }],
    ...withUsage,
  })
  const logprobs = (entries: LogprobEntry[]) =>
    parameters.topLogprobs === undefined ? {} : { logprobs: { content: entries, refusal: null } }
  let entries: LogprobEntry[] = []
  let completionTokens = 0
  let started = false
  let finish: 'stop' | 'length' | undefined
  const onAbort = () => generation.cancel()
  input.signal?.addEventListener?.('abort', onAbort)
  try {
    for await (const token of generation) {
      if (!started) {
        started = true
        yield chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })
      }
      completionTokens++
      if (parameters.topLogprobs !== undefined) {
        entries.push({
          ...bytes.describe(token.id),
          logprob: token.logprob,
          top_logprobs: (token.top ?? []).map((t) => ({ ...bytes.describe(t.id), logprob: t.logprob })),
        })
      }
      const { release, stopped } = stops.push(decoder.push(token.id))
      if (release || (stopped && entries.length > 0)) {
        yield chunk({ delta: { content: release }, ...logprobs(entries), finish_reason: null })
        entries = []
      }
      if (stopped) {
        finish = 'stop'
        generation.cancel()
        break
      }
    }
    if (input.signal?.aborted) throw input.signal.reason
    if (!finish) {
      const outcome = await generation.outcome
      if (outcome.reason === 'cancelled') throw input.signal?.reason ?? new Error('generation cancelled')
      const { release, stopped } = stops.push(decoder.flush())
      const rest = stopped ? release : release + stops.flush()
      finish = stopped ? 'stop' : outcome.reason
      if (!started) yield chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })
      started = true
      if (rest || entries.length > 0) {
        yield chunk({ delta: { content: rest }, ...logprobs(entries), finish_reason: null })
        entries = []
      }
    }
    yield chunk({ delta: {}, finish_reason: finish })
    if (parameters.includeUsage) {
      const usage: Usage = {
        prompt_tokens: input.promptTokens,
        completion_tokens: completionTokens,
        total_tokens: input.promptTokens + completionTokens,
      }
      yield { ...chunk({ delta: {}, finish_reason: null }), choices: [], usage }
    }
  } finally {
    input.signal?.removeEventListener?.('abort', onAbort)
    generation.cancel()
  }
}
