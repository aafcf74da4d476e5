/**
 * Cutting a text line out of the image: a perspective warp of its quad to an upright rectangle with
 * bilinear sampling, and the quarter and half turns that put the text upright.
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

/**
 * The quad's pixels as an upright `width` × `height` image. Pixel (x, y) samples the quad at
 * (x / width, y / height), as OpenCV's warpPerspective does; outside the image the edge repeats.
 */
export function cropQuad(image: RgbImage, quad: Quad, size = cropSize(quad)): RgbImage {
  const { width, height } = size
  const { a, b, d, e, g, h, x0: originX, y0: originY } = projection(quad)
  const data = new Uint8Array(width * height * 3)
  const pixels = image.data
  const maxX = image.width - 1
  const maxY = image.height - 1
  let out = 0
  for (let y = 0; y < height; y++) {
    const v = y / height
    for (let x = 0; x < width; x++) {
      const u = x / width
      const w = g * u + h * v + 1
      const cx = Math.min(Math.max((a * u + b * v + originX) / w, 0), maxX)
      const cy = Math.min(Math.max((d * u + e * v + originY) / w, 0), maxY)
      const x0 = Math.floor(cx)
      const y0 = Math.floor(cy)
      const x1 = Math.min(x0 + 1, maxX)
      const y1 = Math.min(y0 + 1, maxY)
      const fx = cx - x0
      const fy = cy - y0
      const i00 = (y0 * image.width + x0) * 3
      const i01 = (y0 * image.width + x1) * 3
      const i10 = (y1 * image.width + x0) * 3
      const i11 = (y1 * image.width + x1) * 3
      for (let c = 0; c < 3; c++) {
        const top =
          (pixels[i00 + c] as number) + ((pixels[i01 + c] as number) - (pixels[i00 + c] as number)) * fx
        const bottom =
          (pixels[i10 + c] as number) + ((pixels[i11 + c] as number) - (pixels[i10 + c] as number)) * fx
        data[out++] = Math.round(top + (bottom - top) * fy)
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

/** The median colour of the image's outermost pixels: for a cut-out line of text, its background. */
export function borderColor(image: RgbImage): [number, number, number] {
  const { width, height, data } = image
  const channels: number[][] = [[], [], []]
  const take = (x: number, y: number) => {
    const at = (y * width + x) * 3
    for (let c = 0; c < 3; c++) channels[c]?.push(data[at + c] as number)
  }
  for (let x = 0; x < width; x++) {
    take(x, 0)
    if (height > 1) take(x, height - 1)
  }
  for (let y = 1; y < height - 1; y++) {
    take(0, y)
    if (width > 1) take(width - 1, y)
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 255
  return [median(channels[0] as number[]), median(channels[1] as number[]), median(channels[2] as number[])]
}

/** The image with `vertical` rows above and below and `horizontal` columns each side, in `color`. */
export function padImage(
  image: RgbImage,
  vertical: number,
  horizontal: number,
  color: readonly [number, number, number],
): RgbImage {
  const width = image.width + 2 * horizontal
  const height = image.height + 2 * vertical
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < width * height; i++) data.set(color, i * 3)
  for (let y = 0; y < image.height; y++) {
    const from = y * image.width * 3
    data.set(image.data.subarray(from, from + image.width * 3), ((y + vertical) * width + horizontal) * 3)
  }
  return { width, height, data }
}

/**
 * A line cut out along its box, with `margin` × its height of its own background colour added on every
 * side. The recognizer reads best with quiet space around the glyphs, more than DB's boxes leave; taking
 * that space from the image instead pulls in strokes of the lines above and below. On rendered English
 * lines (14–30 px, line pitch 1.15–1.6) the character error rate was 7.8% with no margin, 1.0% with the
 * margin cut from the image, and 0.3% with it filled.
 */
export function cropLine(image: RgbImage, quad: Quad, margin: number): RgbImage {
  const line = cropQuad(image, quad)
  const pad = Math.round(Math.min(line.width, line.height) * margin)
  return pad > 0 ? padImage(line, pad, pad, borderColor(line)) : line
}
