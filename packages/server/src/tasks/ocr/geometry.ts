/**
 * Plane geometry for text boxes: convex hull, minimum-area rectangle (rotating calipers), corner order
 * and the DB "unclip" that grows a shrunk text kernel back to the whole line.
 */
import type { Point, Quad } from './types.js'

/** A rectangle at any angle: corners in order around it, `width` along corners 0→1, `height` along 1→2. */
export interface RotatedRect {
  corners: Quad
  width: number
  height: number
}

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

/** Convex hull by Andrew's monotone chain; counter-clockwise (in y-up terms), without collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points]
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .filter((p, i, all) => i === 0 || p[0] !== all[i - 1]?.[0] || p[1] !== all[i - 1]?.[1])
  if (sorted.length < 3) return sorted
  const lower: Point[] = []
  for (const p of sorted) {
    while (
      lower.length >= 2 &&
      cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0
    )
      lower.pop()
    lower.push(p)
  }
  const upper: Point[] = []
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i] as Point
    while (
      upper.length >= 2 &&
      cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0
    )
      upper.pop()
    upper.push(p)
  }
  lower.pop()
  upper.pop()
  return lower.concat(upper)
}

function degenerateRect(hull: Point[]): RotatedRect {
  const a = hull[0] ?? [0, 0]
  const b = hull[1] ?? a
  return { corners: [a, b, b, a], width: Math.hypot(b[0] - a[0], b[1] - a[1]), height: 0 }
}

/**
 * The smallest-area rectangle around the points. One of its sides lies on a hull edge, so the calipers
 * walk the edges once, each of the three other extreme points only ever moving forward.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points)
  const n = hull.length
  if (n < 3) return degenerateRect(hull)
  const at = (k: number) => hull[k % n] as Point
  let best: RotatedRect | undefined
  let bestArea = Number.POSITIVE_INFINITY
  let right = 0
  let top = 0
  let left = 0
  for (let i = 0; i < n; i++) {
    const origin = at(i)
    const next = at(i + 1)
    const length = Math.hypot(next[0] - origin[0], next[1] - origin[1])
    const ux = (next[0] - origin[0]) / length
    const uy = (next[1] - origin[1]) / length
    const along = (k: number) => (at(k)[0] - origin[0]) * ux + (at(k)[1] - origin[1]) * uy
    const across = (k: number) => (at(k)[1] - origin[1]) * ux - (at(k)[0] - origin[0]) * uy
    if (i === 0) {
      for (let k = 1; k < n; k++) {
        if (along(k) > along(right)) right = k
        if (across(k) > across(top)) top = k
        if (along(k) < along(left)) left = k
      }
    } else {
      for (let steps = 0; steps < n && along(right + 1) >= along(right); steps++) right = (right + 1) % n
      for (let steps = 0; steps < n && across(top + 1) >= across(top); steps++) top = (top + 1) % n
      for (let steps = 0; steps < n && along(left + 1) <= along(left); steps++) left = (left + 1) % n
    }
    const min = along(left)
    const max = along(right)
    const height = across(top)
    const area = (max - min) * height
    if (area < bestArea) {
      bestArea = area
      // The normal (-uy, ux) points into the hull, towards `top`.
      const corner = (s: number, t: number): Point => [
        origin[0] + ux * s - uy * t,
        origin[1] + uy * s + ux * t,
      ]
      best = {
        corners: [corner(min, 0), corner(max, 0), corner(max, height), corner(min, height)],
        width: max - min,
        height,
      }
    }
  }
  return best as RotatedRect
}

/** Area of a simple polygon (shoelace), always positive. */
export function polygonArea(polygon: readonly Point[]): number {
  let twice = 0
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i] as Point
    const b = polygon[(i + 1) % polygon.length] as Point
    twice += a[0] * b[1] - b[0] * a[1]
  }
  return Math.abs(twice) / 2
}

export function polygonPerimeter(polygon: readonly Point[]): number {
  let sum = 0
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i] as Point
    const b = polygon[(i + 1) % polygon.length] as Point
    sum += Math.hypot(b[0] - a[0], b[1] - a[1])
  }
  return sum
}

/**
 * Corners as top-left, top-right, bottom-right, bottom-left: the two leftmost points make the left side
 * (the upper one first), the two rightmost the right side. This is how PaddleOCR orders its boxes.
 */
export function orderCorners(corners: readonly Point[]): Quad {
  const [a, b, c, d] = [...corners].sort((p, q) => p[0] - q[0]) as Quad
  const [topLeft, bottomLeft] = a[1] <= b[1] ? [a, b] : [b, a]
  const [topRight, bottomRight] = c[1] <= d[1] ? [c, d] : [d, c]
  return [topLeft, topRight, bottomRight, bottomLeft]
}

/**
 * DB's unclip: the detector marks a shrunk kernel of each text line, so the box grows by
 * `area * ratio / perimeter` on every side. Offsetting a rectangle (with round joins, as PaddleOCR does
 * with Clipper) and taking the smallest rectangle around the result is exactly this.
 */
export function unclipRectangle(rect: RotatedRect, ratio: number, extra = 0): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height)
  if (perimeter === 0) return rect
  const distance = (rect.width * rect.height * ratio) / perimeter + extra
  const [p0, p1, , p3] = rect.corners
  const unit = (from: Point, to: Point, length: number): Point =>
    length > 0 ? [(to[0] - from[0]) / length, (to[1] - from[1]) / length] : [0, 0]
  const u = rect.width > 0 ? unit(p0, p1, rect.width) : ([1, 0] as Point)
  const v = rect.height > 0 ? unit(p0, p3, rect.height) : ([-u[1], u[0]] as Point)
  const center: Point = [
    p0[0] + (u[0] * rect.width + v[0] * rect.height) / 2,
    p0[1] + (u[1] * rect.width + v[1] * rect.height) / 2,
  ]
  const halfWidth = rect.width / 2 + distance
  const halfHeight = rect.height / 2 + distance
  const corner = (s: number, t: number): Point => [
    center[0] + u[0] * s * halfWidth + v[0] * t * halfHeight,
    center[1] + u[1] * s * halfWidth + v[1] * t * halfHeight,
  ]
  return {
    corners: [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)],
    width: 2 * halfWidth,
    height: 2 * halfHeight,
  }
}

export const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1])

/** Python's and numpy's `round`: halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  if (value - floor !== 0.5) return Math.round(value)
  return floor % 2 === 0 ? floor : floor + 1
}
