/**
 * Image formats told from a file's first bytes, so only PNG, JPEG and WebP ever reach a decoder (an SVG
 * or a TIFF can ask a decoder for far more than its bytes suggest).
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'avif' | 'heif' | 'svg'

export const SUPPORTED_FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp']

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end))

/** The format a file's signature announces, or undefined when it is none of the known ones. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg'
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp'
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif'
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp'
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff'
  if (ascii(bytes, 4, 8) === 'ftyp') return /^avi[fs]/.test(ascii(bytes, 8, 12)) ? 'avif' : 'heif'
  const head = ascii(bytes, 0, Math.min(bytes.length, 256)).trimStart()
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg'
  return undefined
}
