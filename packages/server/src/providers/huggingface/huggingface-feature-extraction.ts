/**
 * Embeddings through Hugging Face's feature-extraction pipeline: `{inputs: [...], normalize: true}` →
 * `number[][]`. Vectors are asked for L2-normalized, as the local embeddings task gives them, so a
 * route that falls back between the two stays in one space; `dimensions` truncates and renormalizes
 * the same way the local task does.
 */

import type { CallOptions, EmbeddingsRequest, EmbeddingsResponse } from '../../core/provider.js'
import { ProviderError } from '../provider-error.js'
import { invalidResponse, postJson, readJsonBody, type Upstream } from '../provider-http.js'

function truncate(vector: number[], dimensions: number | undefined): number[] {
  if (dimensions === undefined || dimensions >= vector.length) return vector
  const head = vector.slice(0, dimensions)
  const norm = Math.hypot(...head) || 1
  return head.map((value) => value / norm)
}

const isVector = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'number')

export async function featureExtraction(
  upstream: Upstream,
  url: string,
  headers: Record<string, string>,
  request: EmbeddingsRequest,
  call: CallOptions,
): Promise<EmbeddingsResponse> {
  const input = typeof request.input === 'string' ? [request.input] : request.input
  if (!input.every((item) => typeof item === 'string')) {
    throw new ProviderError(
      'unsupported_request',
      upstream.target,
      `${upstream.target} takes text input, not tokens.`,
      {
        status: 400,
      },
    )
  }
  const body = { inputs: input, normalize: true, truncate: true }
  const response = await postJson(upstream, url, body, headers, call.signal)
  const vectors = await readJsonBody(response, upstream, call.signal)
  if (!Array.isArray(vectors) || vectors.length !== input.length || !vectors.every(isVector)) {
    throw invalidResponse(upstream.target, `expected ${input.length} vectors (a sentence-embedding model)`)
  }
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: truncate(vector, request.dimensions),
    })),
    model: call.model,
    // The pipeline reports no token counts.
    usage: { prompt_tokens: 0, total_tokens: 0 },
  }
}
