/**
 * Cutting a text line out of the image as PaddleOCR's reference does: a perspective warp of its quad to
 * an upright rectangle, and the quarter and half turns that put the text upright.
 */
import { distance } from './geometry.js'
import type { Point, Quad, RgbImage } from './types.js'

/**
 * The projective map from the unit square onto `quad` ((0,0)→corner 0, (1,0)→1, (1,1)→2, (0,1)→3),
 * after Heckbert's closed form; an affine map when the quad is a parallelogram.
 */
export function squareToQuad(quad: Quad): (u: number, v: number) => Point {
  const { a, b, d, e, g, h, x0, y0 } = projection(quad)
  return (u, v) => {
    const w = g * u + h * v + 1
    return [(a * u + b * v + x0) / w, (d * u + e * v + y0) / w]
  }
}

/** The coefficients of `squareToQuad`: x = (a·u + b·v + x0) / w, y = (d·u + e·v + y0) / w, w = g·u + h·v + 1. */
function projection(quad: Quad) {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad
  const sx = x0 - x1 + x2 - x3
  const sy = y0 - y1 + y2 - y3
  let g = 0
  let h = 0
  if (Math.abs(sx) > 1e-9 || Math.abs(sy) > 1e-9) {
    const dx1 = x1 - x2
    const dx2 = x3 - x2
    const dy1 = y1 - y2
    const dy2 = y3 - y2
    const det = dx1 * dy2 - dx2 * dy1
    if (det !== 0) {
      g = (sx * dy2 - dx2 * sy) / det
      h = (dx1 * sy - sx * dy1) / det
    }
  }
  return { a: x1 - x0 + g * x1, b: x3 - x0 + h * x3, d: y1 - y0 + g * y1, e: y3 - y0 + h * y3, g, h, x0, y0 }
}

/** The size PaddleOCR gives a crop: the longer of each pair of opposite sides, truncated. */
export function cropSize(quad: Quad) {
  const [p0, p1, p2, p3] = quad
  return {
    width: Math.max(1, Math.trunc(Math.max(distance(p0, p1), distance(p2, p3)))),
    height: Math.max(1, Math.trunc(Math.max(distance(p0, p3), distance(p1, p2)))),
  }
}

/** OpenCV's bicubic weights (a = -0.75) for the four taps around a sample `t` past the second one. */
function cubicWeights(t: number, out: Float64Array): void {
  const a = -0.75
  const x0 = t + 1
  const x1 = t
  const x2 = 1 - t
  out[0] = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a
  out[1] = ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1
  out[2] = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1
  out[3] = 1 - (out[0] as number) - (out[1] as number) - (out[2] as number)
}

/** OpenCV's warps place samples on a grid of 1/32 pixel (INTER_TAB_SIZE). */
const SUBPIXELS = 32

/**
 * The quad's pixels as an upright `width` × `height` image, as the reference's `get_rotate_crop_image`
 * cuts it with `cv2.warpPerspective(..., INTER_CUBIC, BORDER_REPLICATE)`: pixel (x, y) samples the quad
 * at (x / width, y / height), bicubic over 4 × 4 neighbours, the image's edge repeated outside it.
 */
export function cropQuad(image: RgbImage, quad: Quad, size = cropSize(quad)): RgbImage {
  const { width, height } = size
  const { a, b, d, e, g, h, x0: originX, y0: originY } = projection(quad)
  const data = new Uint8Array(width * height * 3)
  const pixels = image.data
  const maxX = image.width - 1
  const maxY = image.height - 1
  const wx = new Float64Array(4)
  const wy = new Float64Array(4)
  const columns = new Int32Array(4)
  const rows = new Int32Array(4)
  let out = 0
  for (let y = 0; y < height; y++) {
    const v = y / height
    for (let x = 0; x < width; x++) {
      const u = x / width
      const w = g * u + h * v + 1
      const sx = Math.round(((a * u + b * v + originX) / w) * SUBPIXELS) / SUBPIXELS
      const sy = Math.round(((d * u + e * v + originY) / w) * SUBPIXELS) / SUBPIXELS
      const ix = Math.floor(sx)
      const iy = Math.floor(sy)
      cubicWeights(sx - ix, wx)
      cubicWeights(sy - iy, wy)
      for (let k = 0; k < 4; k++) {
        columns[k] = Math.min(Math.max(ix - 1 + k, 0), maxX) * 3
        rows[k] = Math.min(Math.max(iy - 1 + k, 0), maxY) * image.width * 3
      }
      for (let c = 0; c < 3; c++) {
        let sum = 0
        for (let j = 0; j < 4; j++) {
          const row = (rows[j] as number) + c
          const across =
            (pixels[row + (columns[0] as number)] as number) * (wx[0] as number) +
            (pixels[row + (columns[1] as number)] as number) * (wx[1] as number) +
            (pixels[row + (columns[2] as number)] as number) * (wx[2] as number) +
            (pixels[row + (columns[3] as number)] as number) * (wx[3] as number)
          sum += across * (wy[j] as number)
        }
        data[out++] = Math.min(255, Math.max(0, Math.round(sum)))
      }
    }
  }
  return { width, height, data }
}

/** Columns `left` to `left + width` of the image (all rows). */
export function columns(image: RgbImage, left: number, width: number): RgbImage {
  const data = new Uint8Array(width * image.height * 3)
  for (let y = 0; y < image.height; y++) {
    const from = (y * image.width + left) * 3
    data.set(image.data.subarray(from, from + width * 3), y * width * 3)
  }
  return { width, height: image.height, data }
}

/** The image turned half a turn. */
export function rotateHalfTurn(image: RgbImage): RgbImage {
  const pixels = image.width * image.height
  const data = new Uint8Array(pixels * 3)
  for (let i = 0; i < pixels; i++) {
    const from = i * 3
    const to = (pixels - 1 - i) * 3
    data[to] = image.data[from] as number
    data[to + 1] = image.data[from + 1] as number
    data[to + 2] = image.data[from + 2] as number
  }
  return { width: image.width, height: image.height, data }
}

/** The image turned a quarter turn counter-clockwise (numpy's `rot90`), for lines written top to bottom. */
export function rotateQuarterTurn(image: RgbImage): RgbImage {
  const { width, height } = image
  const data = new Uint8Array(width * height * 3)
  // Output is height wide and width tall; output (x, y) comes from input (width - 1 - y, x).
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) {
      const from = (x * width + (width - 1 - y)) * 3
      const to = (y * height + x) * 3
      data[to] = image.data[from] as number
      data[to + 1] = image.data[from + 1] as number
      data[to + 2] = image.data[from + 2] as number
    }
  }
  return { width: height, height: width, data }
}
