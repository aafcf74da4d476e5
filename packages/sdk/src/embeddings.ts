/**
 * Embeddings as vectors, whichever `encoding_format` they came in.
 */

/** An embedding as a `Float32Array`: from its numbers, or from the little-endian float32 bytes of base64. */
export function embeddingVector(embedding: number[] | string): Float32Array {
  if (typeof embedding !== 'string') return Float32Array.from(embedding)
  const bytes = Uint8Array.from(atob(embedding), (c) => c.charCodeAt(0))
  const view = new DataView(bytes.buffer)
  return Float32Array.from({ length: bytes.length >> 2 }, (_, i) => view.getFloat32(i * 4, true))
}
