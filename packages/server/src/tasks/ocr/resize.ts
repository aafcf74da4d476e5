/**
 * Resizing as OpenCV's `cv2.resize` with its default INTER_LINEAR does, which is what PaddleOCR's
 * reference pipeline uses before every model: pixel centres aligned, two source pixels per axis, edges
 * clamped. OpenCV turns an exact halving of both sides into a 2 × 2 mean (INTER_AREA); so does this.
 * Plain bilinear skips source pixels below half size; that is the reference's choice, and the models
 * were evaluated with it.
 */
import type { RgbImage } from './types.js'

/** For each output index: the first source index and the weight of the next one. */
export interface Taps {
  index: Int32Array
  weight: Float32Array
}

export function linearTaps(sourceSize: number, targetSize: number): Taps {
  const scale = sourceSize / targetSize
  const index = new Int32Array(targetSize)
  const weight = new Float32Array(targetSize)
  const halving = sourceSize === targetSize * 2
  for (let i = 0; i < targetSize; i++) {
    if (halving) {
      index[i] = i * 2
      weight[i] = 0.5
      continue
    }
    const at = (i + 0.5) * scale - 0.5
    let low = Math.floor(at)
    let fraction = at - low
    if (low < 0) {
      low = 0
      fraction = 0
    }
    if (low >= sourceSize - 1) {
      low = sourceSize - 1
      fraction = 0
    }
    index[i] = low
    weight[i] = fraction
  }
  return { index, weight }
}

/** Where and how `resizeToPlanes` writes: plane `c` holds BGR channel `c` as `value * scale[c] + shift[c]`. */
export interface PlanarTarget {
  data: Float32Array
  /** Index of the first pixel of the blue plane. */
  offset: number
  /** Distance between planes. */
  plane: number
  /** Distance between rows. */
  row: number
  scale: readonly [number, number, number]
  shift: readonly [number, number, number]
}

/**
 * The image resized to `width` × `height`, values rounded to bytes as OpenCV's 8-bit result is, written
 * straight into a model's planar BGR tensor (one pass, no intermediate image).
 */
export function resizeToPlanes(image: RgbImage, width: number, height: number, target: PlanarTarget): void {
  const columns = linearTaps(image.width, width)
  const rows = linearTaps(image.height, height)
  const source = image.data
  const stride = image.width * 3
  const { data, offset, plane, row } = target
  const [blueScale, greenScale, redScale] = target.scale
  const [blueShift, greenShift, redShift] = target.shift
  const left = new Int32Array(width)
  const right = new Int32Array(width)
  for (let x = 0; x < width; x++) {
    left[x] = (columns.index[x] as number) * 3
    right[x] = (columns.weight[x] as number) > 0 ? (left[x] as number) + 3 : (left[x] as number)
  }
  for (let y = 0; y < height; y++) {
    const top = (rows.index[y] as number) * stride
    const fy = rows.weight[y] as number
    const bottom = fy > 0 ? top + stride : top
    const gy = 1 - fy
    let at = offset + y * row
    for (let x = 0; x < width; x++, at++) {
      const fx = columns.weight[x] as number
      const gx = 1 - fx
      const a = top + (left[x] as number)
      const b = top + (right[x] as number)
      const c = bottom + (left[x] as number)
      const d = bottom + (right[x] as number)
      const red = Math.round(
        ((source[a] as number) * gx + (source[b] as number) * fx) * gy +
          ((source[c] as number) * gx + (source[d] as number) * fx) * fy,
      )
      const green = Math.round(
        ((source[a + 1] as number) * gx + (source[b + 1] as number) * fx) * gy +
          ((source[c + 1] as number) * gx + (source[d + 1] as number) * fx) * fy,
      )
      const blue = Math.round(
        ((source[a + 2] as number) * gx + (source[b + 2] as number) * fx) * gy +
          ((source[c + 2] as number) * gx + (source[d + 2] as number) * fx) * fy,
      )
      data[at] = blue * blueScale + blueShift
      data[at + plane] = green * greenScale + greenShift
      data[at + 2 * plane] = red * redScale + redShift
    }
  }
}

/** The image at `width` × `height`. */
export function resizeRgb(image: RgbImage, width: number, height: number): RgbImage {
  if (width === image.width && height === image.height) return image
  // Three planes of bytes read back into RGB: the same arithmetic as the tensors get.
  const planes = new Float32Array(width * height * 3)
  const plane = width * height
  resizeToPlanes(image, width, height, {
    data: planes,
    offset: 0,
    plane,
    row: width,
    scale: [1, 1, 1],
    shift: [0, 0, 0],
  })
  const data = new Uint8Array(plane * 3)
  for (let i = 0; i < plane; i++) {
    data[i * 3] = planes[i + 2 * plane] as number
    data[i * 3 + 1] = planes[i + plane] as number
    data[i * 3 + 2] = planes[i] as number
  }
  return { width, height, data }
}
