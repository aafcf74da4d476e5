/**
 * Resizing RGB pixels, one axis at a time: bilinear when enlarging (pixel centers aligned, as OpenCV's
 * INTER_LINEAR), the mean over each output pixel's footprint when shrinking (as INTER_AREA). Plain
 * bilinear sampling skips source pixels below half size, and thin strokes (the bar of an "f") vanish.
 */
import type { RgbImage } from './types.js'

/** For each output index, the source indices it reads and their weights (summing to 1). */
interface Taps {
  offsets: Int32Array
  indices: Int32Array
  weights: Float32Array
}

function taps(sourceSize: number, targetSize: number): Taps {
  const scale = sourceSize / targetSize
  const indices: number[] = []
  const weights: number[] = []
  const offsets = new Int32Array(targetSize + 1)
  for (let i = 0; i < targetSize; i++) {
    offsets[i] = indices.length
    if (scale <= 1) {
      const at = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), sourceSize - 1)
      const low = Math.floor(at)
      const high = Math.min(low + 1, sourceSize - 1)
      indices.push(low, high)
      weights.push(1 - (at - low), at - low)
    } else {
      const start = i * scale
      const end = Math.min((i + 1) * scale, sourceSize)
      for (let s = Math.floor(start); s < end; s++) {
        const covered = Math.min(end, s + 1) - Math.max(start, s)
        if (covered <= 0) continue
        indices.push(s)
        weights.push(covered / (end - start))
      }
    }
  }
  offsets[targetSize] = indices.length
  return { offsets, indices: Int32Array.from(indices), weights: Float32Array.from(weights) }
}

/** The image at `width` × `height`. */
export function resizeRgb(image: RgbImage, width: number, height: number): RgbImage {
  if (width === image.width && height === image.height) return image
  const columns = taps(image.width, width)
  const rows = taps(image.height, height)
  const source = image.data
  // Horizontal pass into floats (width × source height), then vertical into bytes.
  const across = new Float32Array(width * image.height * 3)
  for (let y = 0; y < image.height; y++) {
    const row = y * image.width * 3
    const out = y * width * 3
    for (let x = 0; x < width; x++) {
      let r = 0
      let g = 0
      let b = 0
      for (let t = columns.offsets[x] as number; t < (columns.offsets[x + 1] as number); t++) {
        const at = row + (columns.indices[t] as number) * 3
        const w = columns.weights[t] as number
        r += (source[at] as number) * w
        g += (source[at + 1] as number) * w
        b += (source[at + 2] as number) * w
      }
      across[out + x * 3] = r
      across[out + x * 3 + 1] = g
      across[out + x * 3 + 2] = b
    }
  }
  const data = new Uint8Array(width * height * 3)
  const stride = width * 3
  const sum = new Float32Array(stride)
  for (let y = 0; y < height; y++) {
    sum.fill(0)
    for (let t = rows.offsets[y] as number; t < (rows.offsets[y + 1] as number); t++) {
      const from = (rows.indices[t] as number) * stride
      const w = rows.weights[t] as number
      for (let i = 0; i < stride; i++) sum[i] = (sum[i] as number) + (across[from + i] as number) * w
    }
    const out = y * stride
    for (let i = 0; i < stride; i++) data[out + i] = Math.round(sum[i] as number)
  }
  return { width, height, data }
}
