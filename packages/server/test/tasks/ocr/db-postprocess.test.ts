import { describe, expect, it } from 'vitest'
import {
  boxScore,
  DB_DEFAULTS,
  detectBoxes,
  type ProbabilityMap,
  textRegions,
} from '../../../src/tasks/ocr/db-postprocess.js'
import type { Point } from '../../../src/tasks/ocr/types.js'

/** A map from rows of characters: '#' is 0.9, '+' 0.5, '.' 0.05. */
function mapOf(rows: string[]): ProbabilityMap {
  const width = rows[0]?.length ?? 0
  const data = new Float32Array(rows.length * width)
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '#' ? 0.9 : row[x] === '+' ? 0.5 : 0.05
  })
  return { width, height: rows.length, data }
}

/** A `width` × `height` map with filled rectangles [left, top, right, bottom] (inclusive) of `value`. */
function filled(
  width: number,
  height: number,
  rects: [number, number, number, number][],
  value = 0.9,
): ProbabilityMap {
  const data = new Float32Array(width * height).fill(0.01)
  for (const [left, top, right, bottom] of rects)
    for (let y = top; y <= bottom; y++) for (let x = left; x <= right; x++) data[y * width + x] = value
  return { width, height, data }
}

describe('textRegions', () => {
  it.each<[string, string[], number, number[]]>([
    ['two separate blobs', ['##...##', '##...##'], 0.3, [4, 4]],
    ['diagonal pixels touch (8-connected)', ['#..', '.#.', '..#'], 0.3, [3]],
    ['a pixel under the threshold splits a row', ['#+#', '...'], 0.6, [1, 1]],
    ['above the threshold it joins it', ['#+#', '...'], 0.3, [2]],
    ['nothing above it', ['...', '...'], 0.3, []],
  ])('%s', (_name, rows, threshold, pointCounts) => {
    const regions = textRegions(mapOf(rows), threshold)
    expect(regions.map((r) => r.length).sort()).toEqual([...pointCounts].sort())
  })

  it('keeps the first and last pixel of each row, largest region first', () => {
    const regions = textRegions(mapOf(['#....', '.###.', '.....', '....#']), 0.3)
    expect(regions[0]).toEqual([
      [0, 0],
      [1, 1],
      [3, 1],
    ])
    expect(regions[1]).toEqual([[4, 3]])
  })
})

describe('boxScore', () => {
  const map = filled(10, 10, [[2, 2, 5, 5]])
  it.each<[string, Point[], number]>([
    [
      'all inside the blob',
      [
        [2, 2],
        [5, 2],
        [5, 5],
        [2, 5],
      ],
      0.9,
    ],
    [
      'all outside',
      [
        [7, 7],
        [9, 7],
        [9, 9],
        [7, 9],
      ],
      0.01,
    ],
    // Two rows of x 2..9: x 2..5 of each lies in the blob.
    [
      'half in, half out',
      [
        [2, 2],
        [9, 2],
        [9, 3],
        [2, 3],
      ],
      (8 * 0.9 + 8 * 0.01) / 16,
    ],
  ])('%s', (_name, quad, want) => {
    expect(boxScore(map, quad)).toBeCloseTo(want, 5)
  })
})

describe('detectBoxes', () => {
  it('grows a text kernel back by the unclip distance and scales it to the image', () => {
    // A 41 × 7 kernel (pixel centers 10..50, 20..26): width 40, height 6 between centers.
    const map = filled(64, 48, [[10, 20, 50, 26]])
    const [found, ...rest] = detectBoxes(map, 128, 96)
    expect(rest).toEqual([])
    const distance = (40 * 6 * 1.5) / (2 * 46)
    const expected = [10 - distance, 20 - distance, 50 + distance, 26 + distance].map((v) =>
      Math.round(v * 2),
    )
    expect(found?.box).toEqual([
      [expected[0], expected[1]],
      [expected[2], expected[1]],
      [expected[2], expected[3]],
      [expected[0], expected[3]],
    ])
    expect(found?.score).toBeCloseTo(0.9, 5)
  })

  it('cuts the recognizer’s box grown by the crop ratio around the same kernel', () => {
    const map = filled(64, 48, [[10, 20, 50, 26]])
    const [found] = detectBoxes(map, 64, 48, { ...DB_DEFAULTS, cropUnclipRatio: 1.8 })
    const distance = (40 * 6 * 1.8) / (2 * 46)
    const [left, top, right, bottom] = [10 - distance, 20 - distance, 50 + distance, 26 + distance].map(
      Math.round,
    )
    expect(found?.cropBox).toEqual([
      [left, top],
      [right, top],
      [right, bottom],
      [left, bottom],
    ])
    const same = detectBoxes(map, 64, 48, { ...DB_DEFAULTS, cropUnclipRatio: 1.5 })[0]
    expect(same?.cropBox).toEqual(same?.box)
  })

  it.each<[string, ProbabilityMap, number]>([
    ['too thin to be text', filled(64, 32, [[5, 10, 50, 11]]), 0],
    ['too faint inside its box', filled(64, 32, [[5, 10, 50, 20]], 0.35), 0],
    [
      'two lines stay two boxes',
      filled(64, 32, [
        [5, 4, 50, 9],
        [5, 18, 50, 23],
      ]),
      2,
    ],
  ])('%s', (_name, map, count) => {
    expect(detectBoxes(map, map.width, map.height, DB_DEFAULTS)).toHaveLength(count)
  })

  it('keeps boxes inside the image', () => {
    const [found] = detectBoxes(filled(32, 32, [[0, 0, 31, 6]]), 32, 32)
    for (const [x, y] of found?.box ?? []) {
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThanOrEqual(32)
      expect(y).toBeGreaterThanOrEqual(0)
    }
  })

  it('follows a turned line', () => {
    const width = 100
    const data = new Float32Array(width * width).fill(0.01)
    const angle = (30 * Math.PI) / 180
    for (let s = 0; s < 60; s += 0.25)
      for (let t = 0; t < 8; t += 0.25) {
        const x = Math.round(15 + s * Math.cos(angle) - t * Math.sin(angle))
        const y = Math.round(20 + s * Math.sin(angle) + t * Math.cos(angle))
        data[y * width + x] = 0.9
      }
    const [found] = detectBoxes({ width, height: width, data }, width, width)
    const [p0, p1] = found?.box ?? [
      [0, 0],
      [0, 0],
    ]
    expect((Math.atan2(p1[1] - p0[1], p1[0] - p0[0]) * 180) / Math.PI).toBeCloseTo(30, -1)
  })
})
