/**
 * One versioned interface for "something that can answer a model call". Remote providers
 * (openai-compatible, anthropic, huggingface) and the local ONNX runtime implement it; the router
 * composes them. Requests and results are the contract's OpenAI shapes.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from '@modelport/sdk'
import type { AbortSignalLike } from './cancellation.js'

// The SDK's names for the contract's shapes, under the shorter names the server has always used.
export type { ChatCompletion, EmbeddingsRequest, EmbeddingsResponse }
export type ChatRequest = ChatCompletionRequest
export type ChatChunk = ChatCompletionChunk

export interface CallOptions {
  /** The provider's own model id for this target (the route maps aliases to it). */
  model: string
  /** Aborted on client disconnect or when the request's deadline passes. */
  signal: AbortSignalLike
  requestId: string
  /**
   * The client's body as it arrived. Only the benchmark's `reserialization` ablation passes it: the
   * provider then sends it as is instead of the request rebuilt for the target.
   */
  sentBody?: string
}

/**
 * On a completion a provider returns exactly as its upstream sent it: the upstream's JSON text, which
 * the route answers with instead of serializing the same object again. A provider that changes the
 * completion (or builds one) leaves it out.
 */
export const upstreamText = Symbol.for('modelport.upstream-text')

/** A stream whose upstream has answered with a success status; iterating yields chunks. */
export interface ChatStream extends AsyncIterable<ChatChunk> {
  /** Stops reading and releases the upstream connection. */
  cancel(): Promise<void>
}

export interface ProviderV1 {
  readonly specificationVersion: 'v1'
  /** The name the config gives this provider, e.g. `openai`. */
  readonly id: string
  /** `openai-compatible`, `anthropic`, `huggingface` or `local`. */
  readonly type: string
  chat?(request: ChatRequest, options: CallOptions): Promise<ChatCompletion>
  /** Resolves once the upstream has accepted the request (status and headers), before any chunk. */
  chatStream?(request: ChatRequest, options: CallOptions): Promise<ChatStream>
  /** Always answers with float vectors; the route encodes base64 for the client. */
  embeddings?(request: EmbeddingsRequest, options: CallOptions): Promise<EmbeddingsResponse>
}
