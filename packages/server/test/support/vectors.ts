/**
 * Deterministic stand-in vectors: the same text gives the same unit vector in every fake (the in-memory
 * local model and the fake upstreams), so tests can tell which side answered only by headers.
 */
import { rateLimited } from '../../src/core/errors.js'
import type { LocalEmbeddings } from '../../src/core/local-embeddings.js'

export function fakeVector(text: string, dimensions: number): number[] {
  let seed = 2166136261
  for (const char of text) seed = Math.imul(seed ^ (char.codePointAt(0) ?? 0), 16777619)
  const values = Array.from({ length: dimensions }, (_, index) => Math.sin(seed + index * 7.1))
  const norm = Math.hypot(...values)
  return values.map((value) => value / norm)
}

/**
 * A small in-memory `LocalEmbeddings`: the stand-in for the local ONNX model only. `overloaded` makes
 * it answer like a full queue (429, retry after 1 s).
 */
export function memoryEmbeddings(models: Record<string, number>) {
  const state = { calls: 0, overloaded: false }
  const embeddings: LocalEmbeddings = {
    has: (model) => model in models,
    dimensions: (model) => models[model],
    async embed(model, input, options) {
      state.calls++
      if (state.overloaded) throw rateLimited('queue_full', `Model '${model}' has a full queue.`, 1)
      const size = options.dimensions ?? (models[model] as number)
      return {
        vectors: input.map((text) => Float32Array.from(fakeVector(text, size))),
        promptTokens: input.reduce((sum, text) => sum + text.split(/\s+/).length, 0),
      }
    },
  }
  return { embeddings, state }
}
