/**
 * What the router needs from local chat models: `OnnxLocalChat` implements it on Node, and the
 * `local` provider adapts it to `ProviderV1`. Runtime-agnostic: nothing here imports a runtime.
 */
import type { AbortSignalLike } from './cancellation.js'
import type { ChatCompletion, ChatRequest, ChatStream } from './provider.js'

export type LocalChatState = 'loading' | 'ready' | 'unavailable'

export interface LocalChatCall {
  signal?: AbortSignalLike
  requestId?: string
}

export interface LocalChat {
  /** Whether a local chat model of this name is served (loaded, loading or failed). */
  has(model: string): boolean
  /** Every local chat model's name. */
  names(): string[]
  state(model: string): LocalChatState
  /**
   * Answers a chat request. Throws `ModelportError`: 400 for what the model cannot do or a prompt over
   * its context, 404 for an unknown model, 429 when its queue is full, 503 while it loads or if it failed to.
   */
  complete(model: string, request: ChatRequest, call: LocalChatCall): Promise<ChatCompletion>
  /** As `complete`, as chunks; resolves once the request is admitted (errors above are thrown before). */
  stream(model: string, request: ChatRequest, call: LocalChatCall): Promise<ChatStream>
  close(): Promise<void>
}
