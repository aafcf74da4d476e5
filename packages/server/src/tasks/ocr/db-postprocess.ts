/**
 * DB (differentiable binarization) post-processing: text boxes from the detector's probability map.
 * Binarize, find connected regions, fit each a minimum-area rectangle, score it by the mean probability
 * inside, grow it back to the whole line (unclip) and scale it to the image.
 */
import { minAreaRect, orderCorners, type RotatedRect, roundHalfEven, unclipRectangle } from './geometry.js'
import type { Point, Quad } from './types.js'

export interface DbOptions {
  /** A pixel is text when its probability is above this (PaddleOCR: 0.3). */
  threshold: number
  /** A box is kept when the mean probability inside it is at least this (PaddleOCR: 0.6). */
  boxThreshold: number
  /** How far boxes grow back, relative to area / perimeter (PaddleOCR: 1.5). */
  unclipRatio: number
  /**
   * How far the box the recognizer reads from grows (the reported box uses `unclipRatio`). Not a
   * reference setting: at 1.5 the recognizer read 使用 as 便用 in 16 px Chinese; the accuracy suite
   * read every page right at 1.8 (with a 0.1 margin), 0.16% errors at 1.5, 0.09% at 2.0.
   */
  cropUnclipRatio: number
  /** Most regions considered, largest first. */
  maxCandidates: number
  /** Regions whose rectangle is thinner than this, in map pixels, are noise. */
  minSize: number
}

export const DB_DEFAULTS: DbOptions = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  cropUnclipRatio: 1.8,
  maxCandidates: 1000,
  minSize: 3,
}

export interface ProbabilityMap {
  width: number
  height: number
  data: Float32Array
}

export interface DetectedBox {
  /** Corners in image pixels: top-left, top-right, bottom-right, bottom-left. */
  box: Quad
  /** Mean probability inside the box before it grew. */
  score: number
  /** The same line grown by `cropUnclipRatio`: what the recognizer reads. */
  cropBox: Quad
}

/**
 * The outline points of each 8-connected region of pixels above `threshold`: the first and last pixel
 * of each row it spans, which have the same convex hull as the whole region.
 */
export function textRegions(map: ProbabilityMap, threshold: number): Point[][] {
  const { width, height, data } = map
  const seen = new Uint8Array(width * height)
  const queue = new Int32Array(width * height)
  const regions: { points: Point[]; size: number }[] = []
  for (let start = 0; start < data.length; start++) {
    if (seen[start] || (data[start] as number) <= threshold) continue
    seen[start] = 1
    let head = 0
    let tail = 0
    queue[tail++] = start
    let top = height
    let bottom = -1
    while (head < tail) {
      const index = queue[head++] as number
      const y = Math.floor(index / width)
      const x = index - y * width
      if (y < top) top = y
      if (y > bottom) bottom = y
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy
        if (ny < 0 || ny >= height) continue
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx
          if (nx < 0 || nx >= width) continue
          const neighbour = ny * width + nx
          if (seen[neighbour] || (data[neighbour] as number) <= threshold) continue
          seen[neighbour] = 1
          queue[tail++] = neighbour
        }
      }
    }
    const rows = bottom - top + 1
    const first = new Int32Array(rows).fill(width)
    const last = new Int32Array(rows).fill(-1)
    for (let i = 0; i < tail; i++) {
      const index = queue[i] as number
      const y = Math.floor(index / width)
      const x = index - y * width
      const row = y - top
      if (x < (first[row] as number)) first[row] = x
      if (x > (last[row] as number)) last[row] = x
    }
    const points: Point[] = []
    for (let row = 0; row < rows; row++) {
      if ((last[row] as number) < 0) continue
      points.push([first[row] as number, top + row])
      if (last[row] !== first[row]) points.push([last[row] as number, top + row])
    }
    regions.push({ points, size: tail })
  }
  return regions.sort((a, b) => b.size - a.size).map((r) => r.points)
}

/** Mean probability over the pixels whose centers lie inside the convex quad (PaddleOCR's "fast" score). */
export function boxScore(map: ProbabilityMap, quad: readonly Point[]): number {
  const ys = quad.map((p) => p[1])
  const top = Math.max(0, Math.floor(Math.min(...ys)))
  const bottom = Math.min(map.height - 1, Math.ceil(Math.max(...ys)))
  let sum = 0
  let count = 0
  for (let y = top; y <= bottom; y++) {
    let left = Number.POSITIVE_INFINITY
    let right = Number.NEGATIVE_INFINITY
    for (let i = 0; i < quad.length; i++) {
      const [ax, ay] = quad[i] as Point
      const [bx, by] = quad[(i + 1) % quad.length] as Point
      if ((y < ay && y < by) || (y > ay && y > by)) continue
      if (ay === by) {
        left = Math.min(left, ax, bx)
        right = Math.max(right, ax, bx)
      } else {
        const x = ax + ((y - ay) * (bx - ax)) / (by - ay)
        left = Math.min(left, x)
        right = Math.max(right, x)
      }
    }
    if (right < left) continue
    const from = Math.max(0, Math.ceil(left - 1e-6))
    const to = Math.min(map.width - 1, Math.floor(right + 1e-6))
    for (let x = from; x <= to; x++) {
      sum += map.data[y * map.width + x] as number
      count++
    }
  }
  return count > 0 ? sum / count : 0
}

/**
 * Text boxes in an image of `imageWidth` × `imageHeight` from the detector's map (which may be smaller),
 * corners rounded to whole pixels and kept inside the image.
 */
export function detectBoxes(
  map: ProbabilityMap,
  imageWidth: number,
  imageHeight: number,
  options: DbOptions = DB_DEFAULTS,
): DetectedBox[] {
  const scaleX = imageWidth / map.width
  const scaleY = imageHeight / map.height
  const boxes: DetectedBox[] = []
  for (const points of textRegions(map, options.threshold).slice(0, options.maxCandidates)) {
    const kernel = minAreaRect(points)
    if (Math.min(kernel.width, kernel.height) < options.minSize) continue
    // The reference fills the polygon of the corners cast to integers.
    const score = boxScore(
      map,
      kernel.corners.map(([x, y]): Point => [Math.trunc(x), Math.trunc(y)]),
    )
    if (score < options.boxThreshold) continue
    const grown: RotatedRect = unclipRectangle(kernel, options.unclipRatio)
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue
    // The reference rounds (numpy: halves to even) and clips to the image, then to its last pixel.
    const toImage = (rect: RotatedRect) =>
      orderCorners(
        rect.corners.map(
          ([x, y]): Point => [
            Math.min(Math.max(roundHalfEven(x * scaleX), 0), imageWidth - 1),
            Math.min(Math.max(roundHalfEven(y * scaleY), 0), imageHeight - 1),
          ],
        ),
      )
    const box = toImage(grown)
    const [p0, p1, , p3] = box
    if (
      Math.trunc(Math.hypot(p1[0] - p0[0], p1[1] - p0[1])) <= 3 ||
      Math.trunc(Math.hypot(p3[0] - p0[0], p3[1] - p0[1])) <= 3
    )
      continue
    const cropBox =
      options.cropUnclipRatio === options.unclipRatio
        ? box
        : toImage(unclipRectangle(kernel, options.cropUnclipRatio))
    boxes.push({ box, score, cropBox })
  }
  return boxes
}
