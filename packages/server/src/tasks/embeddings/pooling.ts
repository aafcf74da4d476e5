/** From token vectors to one vector per input: pooling, L2 normalization and `dimensions`. */
import type { Pooling } from '../../models/embeddings-settings.js'

/**
 * Pools `hidden` ([rows, length, size], row-major) into one vector per row: the attention-masked mean
 * of the token vectors, or the first ([CLS]) token's vector.
 */
export function pool(
  hidden: Float32Array,
  shape: [number, number, number],
  mask: ArrayLike<number>,
  pooling: Pooling,
): Float32Array[] {
  const [rows, length, size] = shape
  const vectors: Float32Array[] = []
  for (let row = 0; row < rows; row++) {
    const base = row * length * size
    if (pooling === 'cls') {
      vectors.push(hidden.slice(base, base + size))
      continue
    }
    const sum = new Float64Array(size)
    let count = 0
    for (let token = 0; token < length; token++) {
      if (!mask[row * length + token]) continue
      count++
      const offset = base + token * size
      for (let i = 0; i < size; i++) sum[i] = (sum[i] as number) + (hidden[offset + i] as number)
    }
    // As sentence-transformers does, a guard against rows with no unmasked token.
    const divisor = Math.max(count, 1e-9)
    vectors.push(Float32Array.from(sum, (v) => v / divisor))
  }
  return vectors
}

/** Scales to unit length; a zero vector stays zero. */
export function normalize(vector: Float32Array): Float32Array {
  let squares = 0
  for (const v of vector) squares += v * v
  const norm = Math.max(Math.sqrt(squares), 1e-12)
  return Float32Array.from(vector, (v) => v / norm)
}

/** Keeps the first `dimensions` values, then restores unit length if the vectors are normalized. */
export function shorten(vector: Float32Array, dimensions: number, normalized: boolean): Float32Array {
  const kept = vector.slice(0, dimensions)
  return normalized ? normalize(kept) : kept
}
