/**
 * Binary request bodies (images, audio) and the media type an image declares in its first bytes.
 */

/** A file's bytes: a `Blob` (or `File`), a `Uint8Array` (or Node `Buffer`) or an `ArrayBuffer`. */
export type BinaryInput = Blob | Uint8Array | ArrayBuffer

/** Image types by their first byte: PNG (0x89), JPEG (0xFF), WebP (a RIFF container, 'R'). */
const imageTypes: Record<number, string> = { 137: 'image/png', 255: 'image/jpeg', 82: 'image/webp' }

/** The image's media type: a `Blob`'s own `image/*` type, else told by its first byte. */
export async function imageType(image: BinaryInput): Promise<string> {
  if (image instanceof Blob && image.type.startsWith('image/')) return image.type
  const head = image.slice(0, 1)
  const [first = 0] = new Uint8Array(head instanceof Blob ? await head.arrayBuffer() : head)
  // Anything else: the server answers 415 with the types it reads.
  return imageTypes[first] ?? 'application/octet-stream'
}
