import { describe, expect, it } from 'vitest'
import { detectionInput, detectionSize, lineBatch, lineWidth } from '../../../src/tasks/ocr/preprocess.js'
import { resizeRgb } from '../../../src/tasks/ocr/resize.js'
import type { RgbImage } from '../../../src/tasks/ocr/types.js'

const solid = (width: number, height: number, rgb: [number, number, number]): RgbImage => {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3)
  return { width, height, data }
}

/** A horizontal ramp: pixel x has value x·step in every channel. */
const ramp = (width: number, height: number, step: number): RgbImage => {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(x * step, (y * width + x) * 3, (y * width + x) * 3 + 3)
  return { width, height, data }
}

describe('resizeRgb', () => {
  it('keeps a flat colour flat at any size', () => {
    for (const [w, h] of [
      [7, 3],
      [100, 40],
      [3, 1],
    ]) {
      const out = resizeRgb(solid(50, 20, [10, 200, 30]), w as number, h as number)
      expect(new Set(out.data)).toEqual(new Set([10, 200, 30]))
    }
  })

  it.each<[string, number, number, number[]]>([
    // Pixel centers aligned: output x samples input (x + 0.5)·scale - 0.5.
    ['doubling interpolates between neighbours', 4, 8, [0, 3, 8, 13, 18, 23, 28, 30]],
    ['an exact halving averages pairs (OpenCV switches to INTER_AREA)', 8, 4, [5, 25, 45, 65]],
    ['the same size is untouched', 4, 4, [0, 10, 20, 30]],
  ])('%s', (_name, from, to, row) => {
    const out = resizeRgb(ramp(from, 1, 10), to, 1)
    expect(Array.from({ length: to }, (_, x) => out.data[x * 3])).toEqual(row)
  })

  it('samples two pixels when shrinking, as OpenCV INTER_LINEAR (not a box filter)', () => {
    // 12 → 4: output x reads input 3x + 1, at its centre; the pixels beside it do not count.
    const out = resizeRgb(ramp(12, 1, 10), 4, 1)
    expect(Array.from({ length: 4 }, (_, x) => out.data[x * 3])).toEqual([10, 40, 70, 100])
  })
})

describe('detectionSize', () => {
  it.each<[string, [number, number], { width: number; height: number }]>([
    ['small images keep their size, rounded to 32', [300, 70], { width: 288, height: 64 }],
    ['the long side is limited to 960', [1920, 1080], { width: 960, height: 544 }],
    ['never below 32', [10, 5], { width: 32, height: 32 }],
    ['portrait too', [1000, 4000], { width: 256, height: 960 }],
    ['sides are truncated, then rounded half to even: 48 → 64, 80 → 64', [80, 48], { width: 64, height: 64 }],
  ])('%s', (_name, [width, height], want) => {
    expect(detectionSize(width, height, 960)).toEqual(want)
  })

  it.each<[string, [number, number], 'max' | 'min' | 'area', { width: number; height: number }]>([
    [
      "'min' raises the short side (the training configuration's 736)",
      [400, 100],
      'min',
      { width: 2944, height: 736 },
    ],
    [
      "'area' keeps a wide line's resolution where 'max' shrinks it",
      [2325, 108],
      'area',
      { width: 2336, height: 96 },
    ],
    ["'max' on the same line", [2325, 108], 'max', { width: 960, height: 32 }],
    ["'area' scales a big page to about limit² pixels", [1920, 1920], 'area', { width: 960, height: 960 }],
  ])('%s', (_name, [width, height], type, want) => {
    expect(detectionSize(width, height, type === 'min' ? 736 : 960, type)).toEqual(want)
  })
})

describe('detectionInput', () => {
  it('is planar BGR with ImageNet mean and spread', () => {
    const input = detectionInput(solid(32, 32, [255, 128, 0]), { width: 32, height: 32 })
    const plane = 32 * 32
    expect(input).toHaveLength(3 * plane)
    expect(input[0]).toBeCloseTo((0 / 255 - 0.485) / 0.229, 5) // B
    expect(input[plane]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5) // G
    expect(input[2 * plane]).toBeCloseTo((255 / 255 - 0.406) / 0.225, 5) // R
  })
})

describe('lineBatch', () => {
  it('resizes each line to the height, keeps its aspect, scales to [-1, 1] and pads with 0', () => {
    const lines = [solid(20, 10, [255, 255, 255]), solid(40, 10, [0, 0, 0])]
    expect(lines.map((l) => lineWidth(l, 4, 12))).toEqual([8, 12])
    const batch = lineBatch(lines, 4, 12)
    const plane = 4 * 12
    expect(batch).toHaveLength(2 * 3 * plane)
    expect(batch[0]).toBe(1) // white
    expect(batch[7]).toBe(1) // last column of the 8 the first line fills
    expect(batch[8]).toBe(0) // padding
    expect(batch[3 * plane]).toBe(-1) // the second line, black, squeezed to the full width
    expect(batch[3 * plane + 11]).toBe(-1)
  })

  it('puts blue first', () => {
    const batch = lineBatch([solid(4, 4, [255, 0, 0])], 4, 4)
    expect([batch[0], batch[16], batch[32]]).toEqual([-1, -1, 1])
  })
})
