/**
 * Local models as a `ProviderV1` target, so a route can put a local model in any position among
 * remote ones: embeddings (the embeddings task) and chat (the chat task). The tasks' own errors keep
 * their status; 429 (queue full) and 503 (the model is loading, unloaded or failed to load) let the
 * router fall back, and a route with nothing behind them answers that 503 (routing-failure.ts), not a 502.
 */
import { ModelportError } from '../../core/errors.js'
import type { LocalChat } from '../../core/local-chat.js'
import type { LocalEmbeddings } from '../../core/local-embeddings.js'
import type {
  CallOptions,
  ChatCompletion,
  ChatRequest,
  ChatStream,
  EmbeddingsRequest,
  EmbeddingsResponse,
  ProviderV1,
} from '../../core/provider.js'
import { ProviderError } from '../provider-error.js'

export interface LocalProviderOptions {
  embeddings?: LocalEmbeddings
  chat?: LocalChat
  /** The provider name targets use (default `local`). */
  id?: string
}

/** A task's refusal as the provider error the router reads (status, `Retry-After`, code). */
function asProviderError(error: unknown, target: string, call: CallOptions): unknown {
  if (call.signal.aborted) return call.signal.reason
  if (!(error instanceof ModelportError)) return error
  return new ProviderError('local_error', target, `${target}: ${error.message}`, {
    status: error.status,
    retryAfterMs: error.retryAfter === undefined ? undefined : error.retryAfter * 1000,
    upstreamCode: error.code,
    param: error.param,
  })
}

export function createLocalProvider(options: LocalProviderOptions): ProviderV1 {
  const id = options.id ?? 'local'
  const { embeddings, chat } = options
  const provider: ProviderV1 = { specificationVersion: 'v1', id, type: 'local' }
  if (chat) {
    provider.chat = async (request: ChatRequest, call: CallOptions): Promise<ChatCompletion> => {
      const target = `${id}/${call.model}`
      if (call.signal.aborted) throw call.signal.reason
      try {
        return await chat.complete(call.model, request, { signal: call.signal, requestId: call.requestId })
      } catch (error) {
        throw asProviderError(error, target, call)
      }
    }
    provider.chatStream = async (request: ChatRequest, call: CallOptions): Promise<ChatStream> => {
      const target = `${id}/${call.model}`
      if (call.signal.aborted) throw call.signal.reason
      let stream: ChatStream
      try {
        stream = await chat.stream(call.model, request, { signal: call.signal, requestId: call.requestId })
      } catch (error) {
        throw asProviderError(error, target, call)
      }
      return {
        cancel: () => stream.cancel(),
        async *[Symbol.asyncIterator]() {
          try {
            yield* stream
          } catch (error) {
            throw asProviderError(error, target, call)
          }
        },
      }
    }
  }
  if (embeddings) {
    provider.embeddings = async (
      request: EmbeddingsRequest,
      call: CallOptions,
    ): Promise<EmbeddingsResponse> => {
      const target = `${id}/${call.model}`
      if (call.signal.aborted) throw call.signal.reason
      const input = typeof request.input === 'string' ? [request.input] : request.input
      if (!input.every((item): item is string => typeof item === 'string')) {
        throw new ProviderError('unsupported_request', target, `${target} takes text input, not tokens.`, {
          status: 400,
          param: 'input',
        })
      }
      try {
        const result = await embeddings.embed(call.model, input, {
          dimensions: request.dimensions,
          signal: call.signal,
        })
        return {
          object: 'list',
          data: result.vectors.map((vector, index) => ({
            object: 'embedding' as const,
            index,
            embedding: Array.from(vector),
          })),
          model: call.model,
          usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
        }
      } catch (error) {
        throw asProviderError(error, target, call)
      }
    }
  }
  return provider
}
