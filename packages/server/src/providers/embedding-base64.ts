/**
 * The OpenAI embeddings wire format for `encoding_format: base64`: little-endian float32 bytes, base64.
 * Written with DataView and btoa/atob so it runs the same on Node and at the edge.
 */
import { embeddingVector } from '@modelport/sdk'

export function encodeEmbedding(values: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4))
  for (const [index, value] of values.entries()) view.setFloat32(index * 4, value, true)
  const bytes = new Uint8Array(view.buffer)
  let binary = ''
  for (let start = 0; start < bytes.length; start += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  return btoa(binary)
}

/** Decoded by the SDK's own reader, so client and server read the format one way. */
export const decodeEmbedding = (base64: string): number[] => Array.from(embeddingVector(base64))
