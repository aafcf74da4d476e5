/**
 * Model inputs from pixels, as PaddleOCR prepares them: channels in BGR order (its models were trained
 * on OpenCV's BGR images), planar, normalized per model.
 */
import { resizeRgb } from './resize.js'
import type { RgbImage } from './types.js'

/** ImageNet statistics, applied to B, G, R in that order, as PaddleOCR's detector does. */
const DETECTION_MEAN = [0.485, 0.456, 0.406] as const
const DETECTION_STD = [0.229, 0.224, 0.225] as const

/**
 * The detector's input size: the long side at most `limitSide`, both sides rounded to multiples of 32
 * (the network downsamples 32×), at least 32.
 */
export function detectionSize(width: number, height: number, limitSide: number) {
  const ratio = Math.max(width, height) > limitSide ? limitSide / Math.max(width, height) : 1
  const round = (side: number) => Math.max(32, Math.round((side * ratio) / 32) * 32)
  return { width: round(width), height: round(height) }
}

/** The detector's `[1, 3, H, W]` input for the image resized to `size`. */
export function detectionInput(image: RgbImage, size: { width: number; height: number }): Float32Array {
  const resized = resizeRgb(image, size.width, size.height)
  const plane = size.width * size.height
  const out = new Float32Array(plane * 3)
  const pixels = resized.data
  for (let bgr = 0; bgr < 3; bgr++) {
    const rgb = 2 - bgr
    const scale = 1 / (255 * (DETECTION_STD[bgr] as number))
    const shift = (DETECTION_MEAN[bgr] as number) / (DETECTION_STD[bgr] as number)
    const base = bgr * plane
    for (let i = 0; i < plane; i++) out[base + i] = (pixels[i * 3 + rgb] as number) * scale - shift
  }
  return out
}

/** The height PaddleOCR's recognizer and classifier take. */
export const LINE_HEIGHT = 48
/** The classifier's input width. */
export const CLASSIFIER_WIDTH = 192

/** The width a crop takes at `height`, keeping its aspect ratio, at most `maxWidth`. */
export function lineWidth(crop: RgbImage, height: number, maxWidth: number): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil((height * crop.width) / crop.height)))
}

/**
 * A `[B, 3, height, width]` batch of text lines for the recognizer or the orientation classifier: each
 * crop resized to `height` (aspect kept, at most `width`), scaled to [-1, 1], the rest zero (mid-gray).
 */
export function lineBatch(crops: readonly RgbImage[], height: number, width: number): Float32Array {
  const plane = height * width
  const out = new Float32Array(crops.length * 3 * plane)
  crops.forEach((crop, index) => {
    const resizedWidth = lineWidth(crop, height, width)
    const pixels = resizeRgb(crop, resizedWidth, height).data
    const base = index * 3 * plane
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < resizedWidth; x++) {
        const pixel = (y * resizedWidth + x) * 3
        const at = base + y * width + x
        out[at] = (pixels[pixel + 2] as number) / 127.5 - 1
        out[at + plane] = (pixels[pixel + 1] as number) / 127.5 - 1
        out[at + 2 * plane] = (pixels[pixel] as number) / 127.5 - 1
      }
    }
  })
  return out
}
