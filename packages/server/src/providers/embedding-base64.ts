/**
 * The OpenAI embeddings wire format for `encoding_format: base64`: little-endian float32 bytes, base64.
 * Written with DataView and btoa/atob so it runs the same on Node and at the edge.
 */

export function encodeEmbedding(values: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4))
  for (const [index, value] of values.entries()) view.setFloat32(index * 4, value, true)
  const bytes = new Uint8Array(view.buffer)
  let binary = ''
  for (let start = 0; start < bytes.length; start += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  return btoa(binary)
}

export function decodeEmbedding(base64: string): number[] {
  const binary = atob(base64)
  const view = new DataView(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i))
  return Array.from({ length: Math.floor(binary.length / 4) }, (_, i) => view.getFloat32(i * 4, true))
}
