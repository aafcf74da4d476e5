/**
 * What the router needs from local task models. The embeddings task (tasks/embeddings) implements
 * `LocalEmbeddings`; the `local` provider adapts it to `ProviderV1`.
 */
import type { AbortSignalLike } from './cancellation.js'

export interface EmbedResult {
  /** One L2-normalized vector per input, in input order. */
  vectors: Float32Array[]
  /** Tokens counted over all inputs (after truncation). */
  promptTokens: number
}

export interface LocalEmbeddings {
  /** Whether a local model of task `embeddings` with this name is loaded or loading. */
  has(model: string): boolean
  /** The vector size the model produces before any `dimensions` truncation; undefined if unknown. */
  dimensions(model: string): number | undefined
  /**
   * Embeds texts. Throws `ModelportError` 400 for bad input (e.g. `dimensions` larger than the model's),
   * 404 for an unknown model, 503 while it loads (or when unloaded on request or failed to load; one
   * released when idle loads again), 429 when its queue is full.
   */
  embed(
    model: string,
    input: string[],
    options: { dimensions?: number; signal?: AbortSignalLike },
  ): Promise<EmbedResult>
}
