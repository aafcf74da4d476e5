import { describe, expect, it } from 'vitest'
import { classifierWindows } from '../../src/tasks/ocr/classify.js'
import { sniffImageFormat } from '../../src/tasks/ocr/image-format.js'
import { inReadingOrder } from '../../src/tasks/ocr/reading-order.js'
import { widthBatches } from '../../src/tasks/ocr/recognize.js'
import type { Quad } from '../../src/tasks/ocr/types.js'

/** An axis-aligned box from left, top, width, height. */
const box = (left: number, top: number, width: number, height: number): Quad => [
  [left, top],
  [left + width, top],
  [left + width, top + height],
  [left, top + height],
]

describe('inReadingOrder', () => {
  it.each<[string, [string, Quad][], string[]]>([
    [
      'top to bottom',
      [
        ['b', box(0, 50, 100, 20)],
        ['a', box(0, 10, 100, 20)],
      ],
      ['a', 'b'],
    ],
    [
      'left to right within a row',
      [
        ['right', box(200, 10, 80, 20)],
        ['left', box(0, 12, 80, 20)],
      ],
      ['left', 'right'],
    ],
    [
      'a taller neighbour stays in the row',
      [
        ['small', box(200, 14, 60, 12)],
        ['big', box(0, 5, 100, 30)],
        ['next', box(0, 50, 100, 20)],
      ],
      ['big', 'small', 'next'],
    ],
    [
      'a slightly lower box on the right still follows its row',
      [
        ['second', box(0, 40, 100, 20)],
        ['first-right', box(150, 16, 100, 20)],
        ['first-left', box(0, 10, 100, 20)],
      ],
      ['first-left', 'first-right', 'second'],
    ],
    [
      'two columns are read row by row (there is no layout analysis)',
      [
        ['r2', box(300, 40, 100, 20)],
        ['l1', box(0, 10, 100, 20)],
        ['l2', box(0, 40, 100, 20)],
        ['r1', box(300, 10, 100, 20)],
      ],
      ['l1', 'r1', 'l2', 'r2'],
    ],
    ['nothing', [], []],
  ])('%s', (_name, items, want) => {
    const sorted = inReadingOrder(items.map(([text, quad]) => ({ text, box: quad })))
    expect(sorted.map((item) => item.text)).toEqual(want)
  })
})

describe('widthBatches', () => {
  it.each<[string, number[], number, number, number[][]]>([
    [
      'similar widths share a batch, narrowest first',
      [300, 100, 110, 320],
      8,
      10_000,
      [
        [1, 2],
        [0, 3],
      ],
    ],
    ['the line count caps a batch', [100, 100, 100], 2, 10_000, [[0, 1], [2]]],
    [
      'the column budget caps a batch',
      [100, 100, 100, 100],
      8,
      250,
      [
        [0, 1],
        [2, 3],
      ],
    ],
    ['a line wider than the budget runs alone', [900, 120], 8, 500, [[1], [0]]],
    ['no lines, no batches', [], 8, 1000, []],
  ])('%s', (_name, widths, lines, columns, want) => {
    expect(widthBatches(widths, lines, columns)).toEqual(want)
  })
})

describe('classifierWindows', () => {
  const crop = (width: number, height: number) => ({
    width,
    height,
    data: new Uint8Array(width * height * 3),
  })
  it.each<[string, number, number, number[]]>([
    // Windows are 4:1, like the classifier's 192 × 48 input.
    ['a short line is one window, itself', 100, 40, [100]],
    ['a long line gives three windows', 400, 20, [80, 80, 80]],
    ['a line just over one window gives two', 100, 20, [80, 80]],
  ])('%s', (_name, width, height, widths) => {
    expect(classifierWindows(crop(width, height)).map((w) => w.width)).toEqual(widths)
  })
})

describe('sniffImageFormat', () => {
  const bytes = (...values: (number | string)[]) =>
    new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])))
  it.each<[string, Uint8Array, string | undefined]>([
    ['PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), 'png'],
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'jpeg'],
    ['WebP', bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), 'webp'],
    ['GIF', bytes('GIF89a'), 'gif'],
    ['TIFF', bytes('II', 0x2a, 0), 'tiff'],
    ['AVIF', bytes(0, 0, 0, 0x20, 'ftypavif'), 'avif'],
    ['SVG after whitespace', bytes('  <svg xmlns="http://www.w3.org/2000/svg">'), 'svg'],
    ['SVG behind an XML declaration', bytes('<?xml version="1.0"?><svg/>'), 'svg'],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '), undefined],
    ['text', bytes('hello'), undefined],
    ['nothing', bytes(), undefined],
  ])('%s', (_name, file, want) => {
    expect(sniffImageFormat(file)).toBe(want)
  })
})
