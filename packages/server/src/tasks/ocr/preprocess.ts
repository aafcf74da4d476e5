/**
 * Model inputs from pixels, as PaddleOCR's reference pipeline prepares them: OpenCV-style bilinear
 * resizing, channels in BGR order (the models were trained on OpenCV's BGR images), planar, normalized
 * per model.
 */
import { roundHalfEven } from './geometry.js'
import { resizeToPlanes } from './resize.js'
import type { RgbImage } from './types.js'

/** ImageNet statistics, applied to B, G, R in that order (the reference normalizes its BGR array). */
const DETECTION_MEAN = [0.485, 0.456, 0.406] as const
const DETECTION_STD = [0.229, 0.224, 0.225] as const

/**
 * 'max': the long side at most the limit (the reference's default); 'min': the short side at least the
 * limit; 'area': at most limit² pixels, never enlarged, so very wide or tall images keep the resolution
 * their text needs within the same budget as a square page under 'max'.
 */
export type LimitType = 'max' | 'min' | 'area'

/**
 * The detector's input size (the reference's `DetResizeForTest`, type 0): scaled so the long side is at
 * most `limitSide` ('max') or the short side at least `limitSide` ('min'), truncated to whole pixels,
 * then each side rounded to a multiple of 32 (the network downsamples 32×), at least 32.
 */
export function detectionSize(
  width: number,
  height: number,
  limitSide: number,
  limitType: LimitType = 'max',
) {
  let ratio = 1
  if (limitType === 'max' && Math.max(width, height) > limitSide) ratio = limitSide / Math.max(width, height)
  if (limitType === 'min' && Math.min(width, height) < limitSide) ratio = limitSide / Math.min(width, height)
  if (limitType === 'area' && width * height > limitSide * limitSide)
    ratio = limitSide / Math.sqrt(width * height)
  const side = (length: number) => Math.max(32, roundHalfEven(Math.trunc(length * ratio) / 32) * 32)
  return { width: side(width), height: side(height) }
}

/** The detector's `[1, 3, H, W]` input: the image resized to `size`, `(x / 255 - mean) / std` per BGR channel. */
export function detectionInput(image: RgbImage, size: { width: number; height: number }): Float32Array {
  const plane = size.width * size.height
  const data = new Float32Array(plane * 3)
  const scale = DETECTION_STD.map((std) => 1 / (255 * std)) as [number, number, number]
  const shift = DETECTION_MEAN.map((mean, c) => -mean / (DETECTION_STD[c] as number)) as [
    number,
    number,
    number,
  ]
  resizeToPlanes(image, size.width, size.height, { data, offset: 0, plane, row: size.width, scale, shift })
  return data
}

/** The height PaddleOCR's recognizer and classifier take. */
export const LINE_HEIGHT = 48
/** The classifier's input width. */
export const CLASSIFIER_WIDTH = 192
/** The recognizer's nominal width (its `rec_image_shape` 3, 48, 320): no batch is narrower. */
export const RECOGNIZER_WIDTH = 320

/** The width a crop takes at `height` keeping its aspect ratio (rounded up), at most `maxWidth`. */
export function lineWidth(crop: RgbImage, height: number, maxWidth: number): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil((height * crop.width) / crop.height)))
}

/**
 * A `[B, 3, height, width]` batch of text lines for the recognizer or the orientation classifier (the
 * reference's `resize_norm_img`): each crop resized to `height` keeping its aspect (at most `width`),
 * scaled to [-1, 1] as `(x / 255 - 0.5) / 0.5`, BGR, and padded on the right with 0.
 */
export function lineBatch(crops: readonly RgbImage[], height: number, width: number): Float32Array {
  const plane = height * width
  const out = new Float32Array(crops.length * 3 * plane)
  const scale = [1 / 127.5, 1 / 127.5, 1 / 127.5] as const
  const shift = [-1, -1, -1] as const
  crops.forEach((crop, index) => {
    const target = { data: out, offset: index * 3 * plane, plane, row: width, scale, shift }
    resizeToPlanes(crop, lineWidth(crop, height, width), height, target)
  })
  return out
}
