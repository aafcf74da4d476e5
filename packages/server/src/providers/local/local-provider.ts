/**
 * The local embeddings task as a `ProviderV1` target, so a route can put a local model first and
 * remote ones behind it. Embeddings only. The task's own errors keep their status; 429 (queue full)
 * and 503 (the model is loading, unloaded or failed to load) let the router fall back, and a route
 * with nothing behind them answers that 503 (routing-failure.ts), not a 502.
 */
import { ModelportError } from '../../errors.js'
import type { LocalEmbeddings } from '../../tasks/types.js'
import { ProviderError } from '../provider-error.js'
import type { CallOptions, EmbeddingsRequest, EmbeddingsResponse, ProviderV1 } from '../types.js'

export interface LocalProviderOptions {
  embeddings: LocalEmbeddings
  /** The provider name targets use (default `local`). */
  id?: string
}

export function createLocalProvider(options: LocalProviderOptions): ProviderV1 {
  const id = options.id ?? 'local'
  return {
    specificationVersion: 'v1',
    id,
    type: 'local',
    async embeddings(request: EmbeddingsRequest, call: CallOptions): Promise<EmbeddingsResponse> {
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
        const result = await options.embeddings.embed(call.model, input, {
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
        if (call.signal.aborted) throw call.signal.reason
        if (!(error instanceof ModelportError)) throw error
        throw new ProviderError('local_error', target, `${target}: ${error.message}`, {
          status: error.status,
          retryAfterMs: error.retryAfter === undefined ? undefined : error.retryAfter * 1000,
          upstreamCode: error.code,
          param: error.param,
        })
      }
    },
  }
}
