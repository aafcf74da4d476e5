import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  convexHull,
  minAreaRect,
  orderCorners,
  polygonArea,
  polygonPerimeter,
  unclipRectangle,
} from '../../../src/tasks/ocr/geometry.js'
import type { Point } from '../../../src/tasks/ocr/types.js'

const rounded = (points: readonly Point[]) => points.map(([x, y]) => [+x.toFixed(6) + 0, +y.toFixed(6) + 0])
const sortPoints = (points: readonly Point[]) =>
  rounded(points).sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number))

/** The smallest bounding rectangle's area by trying every hull edge against every point: O(n²). */
function bruteForceArea(points: readonly Point[]): number {
  const hull = convexHull(points)
  if (hull.length < 3) return 0
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i] as Point
    const b = hull[(i + 1) % hull.length] as Point
    const length = Math.hypot(b[0] - a[0], b[1] - a[1])
    const [ux, uy] = [(b[0] - a[0]) / length, (b[1] - a[1]) / length]
    const along = hull.map((p) => (p[0] - a[0]) * ux + (p[1] - a[1]) * uy)
    const across = hull.map((p) => (p[1] - a[1]) * ux - (p[0] - a[0]) * uy)
    best = Math.min(
      best,
      (Math.max(...along) - Math.min(...along)) * (Math.max(...across) - Math.min(...across)),
    )
  }
  return best
}

describe('convexHull', () => {
  it.each<[string, Point[], Point[]]>([
    [
      'a square with an inside point',
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
        [2, 2],
      ],
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ],
    ],
    [
      'collinear points on an edge are dropped',
      [
        [0, 0],
        [2, 0],
        [4, 0],
        [4, 3],
        [0, 3],
      ],
      [
        [0, 0],
        [4, 0],
        [4, 3],
        [0, 3],
      ],
    ],
    [
      'duplicates collapse',
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      [[1, 1]],
    ],
    [
      'a line keeps its ends',
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      [
        [0, 0],
        [3, 3],
      ],
    ],
  ])('%s', (_name, points, want) => {
    expect(sortPoints(convexHull(points))).toEqual(sortPoints(want))
  })
})

describe('minAreaRect', () => {
  it.each<[string, Point[], { width: number; height: number }]>([
    [
      'an axis-aligned rectangle',
      [
        [10, 5],
        [30, 5],
        [30, 12],
        [10, 12],
        [20, 8],
      ],
      { width: 7, height: 20 },
    ],
    [
      'a diamond is a square turned 45°',
      [
        [0, 5],
        [5, 0],
        [10, 5],
        [5, 10],
      ],
      { width: Math.SQRT2 * 5, height: Math.SQRT2 * 5 },
    ],
    [
      'a right triangle lies on its legs',
      [
        [0, 0],
        [8, 0],
        [0, 6],
      ],
      { width: 8, height: 6 },
    ],
  ])('%s', (_name, points, want) => {
    const rect = minAreaRect(points)
    const sides = [rect.width, rect.height].sort((a, b) => a - b)
    const wanted = [want.width, want.height].sort((a, b) => a - b)
    expect(sides[0]).toBeCloseTo(wanted[0] as number, 6)
    expect(sides[1]).toBeCloseTo(wanted[1] as number, 6)
  })

  it('finds the turned rectangle of a turned bar of points', () => {
    const angle = (20 * Math.PI) / 180
    const points: Point[] = []
    for (let s = 0; s <= 40; s++)
      for (let t = 0; t <= 6; t++)
        points.push([
          100 + s * Math.cos(angle) - t * Math.sin(angle),
          50 + s * Math.sin(angle) + t * Math.cos(angle),
        ])
    const rect = minAreaRect(points)
    expect(Math.max(rect.width, rect.height)).toBeCloseTo(40, 6)
    expect(Math.min(rect.width, rect.height)).toBeCloseTo(6, 6)
    expect(polygonArea(rect.corners)).toBeCloseTo(240, 6)
  })

  it('gives a zero-height rectangle for a line and a point', () => {
    expect(
      minAreaRect([
        [0, 0],
        [3, 4],
      ]),
    ).toMatchObject({ width: 5, height: 0 })
    expect(minAreaRect([[2, 2]])).toMatchObject({ width: 0, height: 0 })
  })

  it('matches the brute-force search and holds every point (property)', () => {
    const point = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }))
    fc.assert(
      fc.property(fc.array(point, { minLength: 3, maxLength: 40 }), (raw) => {
        const points = raw as Point[]
        const rect = minAreaRect(points)
        expect(rect.width * rect.height).toBeCloseTo(bruteForceArea(points), 6)
        // Every point lies inside the rectangle (within rounding).
        const [p0, p1, , p3] = rect.corners
        for (const p of points) {
          const s =
            rect.width > 0
              ? ((p[0] - p0[0]) * (p1[0] - p0[0]) + (p[1] - p0[1]) * (p1[1] - p0[1])) / rect.width
              : 0
          const t =
            rect.height > 0
              ? ((p[0] - p0[0]) * (p3[0] - p0[0]) + (p[1] - p0[1]) * (p3[1] - p0[1])) / rect.height
              : 0
          expect(s).toBeGreaterThanOrEqual(-1e-6)
          expect(s).toBeLessThanOrEqual(rect.width + 1e-6)
          expect(t).toBeGreaterThanOrEqual(-1e-6)
          expect(t).toBeLessThanOrEqual(rect.height + 1e-6)
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('polygon measures', () => {
  it.each<[string, Point[], number, number]>([
    [
      'a 4 × 3 rectangle',
      [
        [0, 0],
        [4, 0],
        [4, 3],
        [0, 3],
      ],
      12,
      14,
    ],
    [
      'the same, clockwise',
      [
        [0, 0],
        [0, 3],
        [4, 3],
        [4, 0],
      ],
      12,
      14,
    ],
    [
      'a 3-4-5 triangle',
      [
        [0, 0],
        [4, 0],
        [0, 3],
      ],
      6,
      12,
    ],
  ])('%s', (_name, polygon, area, perimeter) => {
    expect(polygonArea(polygon)).toBeCloseTo(area)
    expect(polygonPerimeter(polygon)).toBeCloseTo(perimeter)
  })
})

describe('orderCorners', () => {
  it.each<[string, Point[], Point[]]>([
    [
      'shuffled axis-aligned corners',
      [
        [10, 20],
        [0, 0],
        [10, 0],
        [0, 20],
      ],
      [
        [0, 0],
        [10, 0],
        [10, 20],
        [0, 20],
      ],
    ],
    [
      'a slightly turned box',
      [
        [101, 40],
        [0, 10],
        [1, 30],
        [100, 20],
      ],
      [
        [0, 10],
        [100, 20],
        [101, 40],
        [1, 30],
      ],
    ],
  ])('%s', (_name, corners, want) => {
    expect(orderCorners(corners)).toEqual(want)
  })
})

describe('unclipRectangle', () => {
  it.each<[string, number, number, number, number]>([
    // distance = w·h·ratio / (2(w + h)); each side moves out by it.
    ['a 100 × 10 kernel at 1.5', 100, 10, 1.5, (100 * 10 * 1.5) / 220],
    ['a square at 2', 20, 20, 2, (20 * 20 * 2) / 80],
    ['a ratio of 0 keeps it', 50, 8, 0, 0],
  ])('%s', (_name, width, height, ratio, distance) => {
    const rect = minAreaRect([
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ])
    const grown = unclipRectangle(rect, ratio)
    const sides = [grown.width, grown.height].sort((a, b) => a - b)
    expect(sides[0]).toBeCloseTo(Math.min(width, height) + 2 * distance, 6)
    expect(sides[1]).toBeCloseTo(Math.max(width, height) + 2 * distance, 6)
    const xs = grown.corners.map((p) => p[0])
    const ys = grown.corners.map((p) => p[1])
    expect(Math.min(...xs)).toBeCloseTo(-distance, 6)
    expect(Math.max(...ys)).toBeCloseTo(height + distance, 6)
  })
})
