import { describe, expect, it } from 'vitest'
import {
  cropQuad,
  cropSize,
  rotateHalfTurn,
  rotateQuarterTurn,
  squareToQuad,
} from '../../../src/tasks/ocr/crop.js'
import { borderColor, padImage, withMargin } from '../../../src/tasks/ocr/line-margin.js'
import type { Quad, RgbImage } from '../../../src/tasks/ocr/types.js'

/** An image whose pixel (x, y) is [x, y, 7]: every sample says where it came from. */
function coordinates(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3)
  return { width, height, data }
}

const pixel = (image: RgbImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3))

describe('squareToQuad', () => {
  const quads: [string, Quad][] = [
    [
      'a rectangle',
      [
        [10, 20],
        [110, 20],
        [110, 50],
        [10, 50],
      ],
    ],
    [
      'a parallelogram',
      [
        [0, 0],
        [100, 10],
        [110, 40],
        [10, 30],
      ],
    ],
    [
      'a perspective quad',
      [
        [5, 5],
        [95, 15],
        [80, 70],
        [20, 60],
      ],
    ],
  ]
  it.each(quads)('maps the unit square corners onto %s', (_name, quad) => {
    const map = squareToQuad(quad)
    const corners = [map(0, 0), map(1, 0), map(1, 1), map(0, 1)]
    corners.forEach((corner, i) => {
      expect(corner[0]).toBeCloseTo((quad[i] as [number, number])[0], 6)
      expect(corner[1]).toBeCloseTo((quad[i] as [number, number])[1], 6)
    })
  })

  it('keeps straight lines straight (the middle of an edge maps onto that edge)', () => {
    const quad: Quad = [
      [5, 5],
      [95, 15],
      [80, 70],
      [20, 60],
    ]
    const [x, y] = squareToQuad(quad)(0.5, 0)
    const cross = (95 - 5) * (y - 5) - (15 - 5) * (x - 5)
    expect(cross).toBeCloseTo(0, 6)
  })
})

describe('cropQuad', () => {
  it('cuts an axis-aligned box exactly', () => {
    const image = coordinates(40, 30)
    const crop = cropQuad(image, [
      [5, 3],
      [25, 3],
      [25, 13],
      [5, 13],
    ])
    expect([crop.width, crop.height]).toEqual([20, 10])
    expect(pixel(crop, 0, 0)).toEqual([5, 3, 7])
    expect(pixel(crop, 19, 9)).toEqual([24, 12, 7])
  })

  it('samples between pixels bicubically, as OpenCV INTER_CUBIC (a = -0.75), exact on a ramp', () => {
    const image = coordinates(40, 30)
    const crop = cropQuad(image, [
      [5.5, 3],
      [25.5, 3],
      [25.5, 13],
      [5.5, 13],
    ])
    expect(pixel(crop, 0, 0)).toEqual([6, 3, 7]) // 5.5 rounds to 6
    expect(pixel(crop, 10, 0)[0]).toBe(16) // 15.5 → 16
  })

  it('weighs four neighbours: a step sampled a quarter past its foot gives 58, where bilinear gives 64', () => {
    const data = new Uint8Array(8 * 2 * 3)
    for (let y = 0; y < 2; y++) data.fill(255, (y * 8 + 2) * 3, (y * 8 + 8) * 3)
    const crop = cropQuad({ width: 8, height: 2, data }, [
      [1.25, 0],
      [3.25, 0],
      [3.25, 1],
      [1.25, 1],
    ])
    expect(pixel(crop, 0, 0)).toEqual([58, 58, 58])
  })

  it('uprights a turned box: its top edge becomes the first row', () => {
    const image = coordinates(60, 60)
    // A box turned 90°: its top-left corner at (40, 10), its top edge running down.
    const crop = cropQuad(image, [
      [40, 10],
      [40, 30],
      [30, 30],
      [30, 10],
    ])
    expect([crop.width, crop.height]).toEqual([20, 10])
    expect(pixel(crop, 0, 0)).toEqual([40, 10, 7])
    expect(pixel(crop, 19, 0)).toEqual([40, 29, 7])
  })

  it('repeats the edge outside the image', () => {
    const crop = cropQuad(coordinates(10, 10), [
      [-5, -5],
      [5, -5],
      [5, 5],
      [-5, 5],
    ])
    expect(pixel(crop, 0, 0)).toEqual([0, 0, 7])
  })

  it.each<[string, Quad, { width: number; height: number }]>([
    [
      'a rectangle',
      [
        [0, 0],
        [30, 0],
        [30, 10],
        [0, 10],
      ],
      { width: 30, height: 10 },
    ],
    [
      'the longer of opposite sides',
      [
        [0, 0],
        [30, 0],
        [34, 12],
        [0, 10],
      ],
      { width: 34, height: 12 },
    ],
    [
      'at least one pixel',
      [
        [0, 0],
        [0.4, 0],
        [0.4, 0.4],
        [0, 0.4],
      ],
      { width: 1, height: 1 },
    ],
  ])('sizes %s', (_name, quad, size) => {
    const measured = cropSize(quad)
    expect(measured.width).toBe(size.width)
    expect(measured.height).toBeGreaterThanOrEqual(size.height - 0.5)
    expect(measured.height).toBeLessThanOrEqual(size.height)
  })
})

describe('withMargin', () => {
  /** White with a black bar in rows 4..5, columns 2..17. */
  const page = (): RgbImage => {
    const data = new Uint8Array(20 * 10 * 3).fill(255)
    for (let y = 4; y <= 5; y++) data.fill(0, (y * 20 + 2) * 3, (y * 20 + 18) * 3)
    return { width: 20, height: 10, data }
  }

  it('adds margin × height of the line’s own background on every side', () => {
    const box: Quad = [
      [2, 3],
      [18, 3],
      [18, 7],
      [2, 7],
    ]
    const line = withMargin(cropQuad(page(), box), 0.5)
    expect([line.width, line.height]).toEqual([16 + 4, 4 + 4])
    expect(pixel(line, 0, 0)).toEqual([255, 255, 255])
    expect(pixel(line, 2, 3)).toEqual([0, 0, 0]) // the bar starts after the 2-pixel margin
    expect(pixel(line, 19, 7)).toEqual([255, 255, 255])
  })

  it('fills the margin instead of taking it from the image (the lines around stay out)', () => {
    // The box holds only the white row 1..2 above the bar; the image below it is black.
    const box: Quad = [
      [2, 1],
      [18, 1],
      [18, 3],
      [2, 3],
    ]
    const line = withMargin(cropQuad(page(), box), 1)
    expect(new Set(line.data)).toEqual(new Set([255]))
  })

  it('takes the background from the border, not the middle', () => {
    const grey: RgbImage = { width: 6, height: 4, data: new Uint8Array(6 * 4 * 3).fill(200) }
    grey.data.fill(0, (1 * 6 + 1) * 3, (1 * 6 + 5) * 3)
    expect(borderColor(grey)).toEqual([200, 200, 200])
  })

  it('pads by whole pixels and keeps the middle', () => {
    const padded = padImage(coordinates(3, 2), 1, 2, [9, 9, 9])
    expect([padded.width, padded.height]).toEqual([7, 4])
    expect(pixel(padded, 2, 1)).toEqual([0, 0, 7])
    expect(pixel(padded, 0, 0)).toEqual([9, 9, 9])
  })
})

describe('rotations', () => {
  const image = coordinates(3, 2)
  it('a half turn reverses the pixels', () => {
    const turned = rotateHalfTurn(image)
    expect([turned.width, turned.height]).toEqual([3, 2])
    expect(pixel(turned, 0, 0)).toEqual([2, 1, 7])
    expect(pixel(turned, 2, 1)).toEqual([0, 0, 7])
  })

  it('a quarter turn counter-clockwise puts the right column on top', () => {
    const turned = rotateQuarterTurn(image)
    expect([turned.width, turned.height]).toEqual([2, 3])
    expect(pixel(turned, 0, 0)).toEqual([2, 0, 7])
    expect(pixel(turned, 1, 0)).toEqual([2, 1, 7])
    expect(pixel(turned, 0, 2)).toEqual([0, 0, 7])
  })
})
